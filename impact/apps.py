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
        from django.db.models.signals import post_delete, post_save

        from portal.signals import person_erased

        from . import erasure, panels, public_cache
        from .models import EntryContributor, ImpactEntry

        panels.register()
        person_erased.connect(erasure.forget_person, dispatch_uid="impact.erasure")
        for model in (ImpactEntry, EntryContributor):
            post_save.connect(
                public_cache.forget, sender=model, dispatch_uid=f"impact.public.{model.__name__}"
            )
            post_delete.connect(
                public_cache.forget, sender=model, dispatch_uid=f"impact.public.del.{model.__name__}"
            )
