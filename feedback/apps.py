from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Feedback"
    role_permissions = {
        "Coordinator": ["give_feedback", "view_feedback_compliance", "view_feedbackowed"],
        "Manager": ["give_feedback", "view_feedback_compliance", "view_feedbackowed"],
    }

    def ready(self):
        from . import panels

        panels.register()
