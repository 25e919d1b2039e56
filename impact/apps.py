from django.apps import AppConfig

_COORDINATE = [
    "add_impactentry",
    "change_impactentry",
    "view_impactentry",
    "publish_impactentry",
    "view_cubecheckin",
    "request_report",
    "issue_certificates",
]


class ImpactConfig(AppConfig):
    name = "impact"
    verbose_name = "Impact"
    role_permissions = {"Coordinator": _COORDINATE, "Manager": _COORDINATE}

    def ready(self):
        from portal.signals import person_erased

        from . import erasure, panels

        panels.register()
        person_erased.connect(erasure.forget_person, dispatch_uid="impact.erasure")
