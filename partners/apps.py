from django.apps import AppConfig

_SEE = ["view_partner", "view_partnerinvoice", "add_partnerinvoice", "add_partnerfeedback", "view_assessment"]


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Community partners and self-assessment"
    # Invoices are decided by whoever may decide a contributor's claim (payments.decide_claim)
    # and paid by whoever may pay claims (payments.pay_claim): one rule for both.
    role_permissions = {
        "Coordinator": _SEE,
        "Manager": [*_SEE, "manage_partner", "manage_assessment"],
    }

    def ready(self):
        from payments import spend
        from portal import figures
        from portal.signals import person_erased

        from . import panels, selectors, services
        from .models import PartnerInvoice

        panels.register()
        # An invoice is spent against the project's budget like a claim, and its saves start a
        # new generation of payments' cached budget figures as a claim's do.
        spend.register_source(selectors.invoice_spend)
        figures.forget_on_change("payments", PartnerInvoice)
        person_erased.connect(services.forget_person, dispatch_uid="partners.erasure")
