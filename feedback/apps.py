from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Feedback"
    role_permissions = {
        "Coordinator": ["give_feedback", "view_feedback_compliance", "view_feedbackowed"],
        "Manager": ["give_feedback", "view_feedback_compliance", "view_feedbackowed"],
    }

    def ready(self):
        from portal import dashboard, reminders
        from portal.signals import participation_changed, person_erased

        from . import erasure, panels
        from . import reminders as feedback_reminders
        from .services import on_participation_changed

        participation_changed.connect(on_participation_changed, dispatch_uid="feedback.owed")
        person_erased.connect(erasure.forget_person, dispatch_uid="feedback.erasure")
        reminders.register_sweep("feedback", feedback_reminders.sweep)
        for kind, label in feedback_reminders.KIND_LABELS.items():
            if kind == feedback_reminders.ACTIVITY_TOMORROW:
                reminders.register_kind(kind, label, lead_days=(7, 1), default_lead_days=(1,))
            else:
                reminders.register_kind(kind, label)

        dashboard.register_panel(
            role="Contributor",
            template="feedback/partials/home_contributor.html",
            context=panels.contributor_home,
            order=30,
        )
        dashboard.register_panel(
            role="Coordinator",
            template="feedback/partials/home_coordinator.html",
            context=panels.coordinator_home,
            order=30,
        )
        dashboard.register_panel(
            role="Manager",
            template="feedback/partials/home_manager.html",
            context=panels.manager_home,
            order=30,
        )
        dashboard.register_panel(
            role="project",
            template="feedback/partials/project_panel.html",
            context=panels.project_panel,
            order=30,
        )
        dashboard.register_panel(
            role="activity",
            template="feedback/partials/activity_panel.html",
            context=panels.activity_panel,
            order=30,
        )
        dashboard.register_nav(
            label="Feedback", url_name="feedback:my_feedback", roles=("Contributor",), order=30
        )
        dashboard.register_nav(
            label="Feedback owed",
            url_name="feedback:owed_list",
            roles=("Coordinator",),
            order=30,
        )
        dashboard.register_nav(
            label="Feedback on time", url_name="feedback:compliance", roles=("Manager",), order=31
        )
