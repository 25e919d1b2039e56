from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = "Messages and calendars"
    role_permissions = {
        "Coordinator": ["add_message", "view_message"],
        "Manager": ["add_message", "view_message"],
    }

    def ready(self):
        from . import panels

        panels.register()
