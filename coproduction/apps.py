from django.apps import AppConfig


class CoproductionConfig(AppConfig):
    name = "coproduction"
    verbose_name = "Co-production and learning"
    role_permissions = {
        "Coordinator": ["add_course", "change_course", "add_checkrecord", "view_checkrecord"],
        "Manager": ["add_course", "change_course", "add_checkrecord", "view_checkrecord"],
    }

    def ready(self):
        from portal.signals import participation_changed

        from . import panels
        from .services import on_participation_changed

        participation_changed.connect(on_participation_changed, dispatch_uid="coproduction.learning")
        panels.register()
