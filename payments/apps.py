from django.apps import AppConfig

_DECIDE = ["decide_claim", "view_claim"]


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = "Payments"
    # "Finance user" is the Manager role here.
    role_permissions = {
        "Coordinator": _DECIDE,
        "Manager": [
            *_DECIDE,
            "pay_claim",
            "export_finance",
            "manage_ratecard",
            "view_ratecard",
            "manage_benefitrule",
        ],
    }

    def ready(self):
        from portal.signals import person_erased

        from . import erasure, panels

        panels.register()
        person_erased.connect(erasure.forget_person, dispatch_uid="payments.erasure")
