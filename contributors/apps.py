from django.apps import AppConfig

_COORDINATE = [
    "view_contributor",
    "add_contributor",
    "change_contributor",
    "view_contacttask",
    "change_contacttask",
    "view_roleassignment",
    "add_roleassignment",
    "change_roleassignment",
    "view_opportunity",
    "add_opportunity",
    "change_opportunity",
    "view_expressionofinterest",
    "change_expressionofinterest",
]


class ContributorsConfig(AppConfig):
    name = "contributors"
    verbose_name = "Contributors"
    # Nobody gets view_diversityrecord: equality answers are read only as aggregates.
    role_permissions = {
        "Coordinator": _COORDINATE,
        "Manager": [
            *_COORDINATE,
            "approve_opportunity",
            "view_erasurerequest",
            "decide_erasure",
        ],
    }

    def ready(self):
        from portal.signals import participation_changed

        from . import signals

        participation_changed.connect(
            signals.snapshot_on_attendance, dispatch_uid="contributors.snapshot_on_attendance"
        )
        from allauth.account.signals import password_reset

        password_reset.connect(
            signals.verify_email_on_take_over, dispatch_uid="contributors.verify_on_take_over"
        )
        from portal.people import register_link

        from . import panels
        from .models import contributor_links

        panels.register()
        register_link(contributor_links)
