from django.apps import AppConfig


class CoproductionConfig(AppConfig):
    name = "coproduction"
    verbose_name = "Co-production and learning"
    role_permissions = {
        "Coordinator": ["add_course", "change_course", "add_checkrecord", "view_checkrecord"],
        "Manager": ["add_course", "change_course", "add_checkrecord", "view_checkrecord"],
    }

    def ready(self):
        from . import panels

        panels.register()
