from datetime import date
from decimal import Decimal

import pytest

from partners import services
from partners.frameworks import ensure_uk_standards
from partners.models import Framework, LinkRole
from tests.factories import UserFactory
from tests.matrix import Case, check, expect, params, world_fixture

# 403 for a missing role, 404 for a partner outside a coordinator's projects.
STAFF = expect(contributor=403, other_contributor=403)
SCOPED = expect(contributor=403, other_contributor=403, other_coordinator=404)
MANAGERS = expect(contributor=403, other_contributor=403, coordinator=403, other_coordinator=403)
MANAGERS_SCOPED = expect(contributor=403, other_contributor=403, coordinator=403, other_coordinator=404)
MANAGERS_POST = expect(
    contributor=403, other_contributor=403, coordinator=403, other_coordinator=403, manager=302
)
ORGANISATION_ONLY = expect(contributor=403, other_contributor=403, coordinator=404, other_coordinator=404)
ORGANISATION_POST = expect(
    contributor=403, other_contributor=403, coordinator=404, other_coordinator=404, manager=302
)


def partner(w):
    return {"public_id": w["partner"].public_id}


def invoice(w):
    return {"public_id": w["invoice"].public_id}


def assessment(w):
    return {"public_id": w["assessment"].public_id}


CASES = [
    Case("partners:partner_list", STAFF),
    Case("partners:partner_create", MANAGERS),
    Case("partners:partner_detail", SCOPED, kwargs=partner),
    Case("partners:partner_edit", MANAGERS_SCOPED, kwargs=partner),
    Case("partners:contact_add", MANAGERS_SCOPED, kwargs=partner),
    Case(
        "partners:contact_remove",
        MANAGERS_POST,
        kwargs=lambda w: {"public_id": w["partner"].contacts.get().public_id},
        method="post",
    ),
    Case("partners:link_add", MANAGERS_SCOPED, kwargs=partner),
    Case(
        "partners:link_remove",
        MANAGERS_POST,
        kwargs=lambda w: {"public_id": w["partner"].links.get().public_id},
        method="post",
    ),
    Case("partners:invoice_add", SCOPED, kwargs=partner),
    Case("partners:feedback_add", SCOPED, kwargs=partner),
    Case("partners:invoice_list", STAFF),
    Case("partners:invoice_detail", SCOPED, kwargs=invoice),
    # Morgan entered this invoice, so Morgan may not approve it: no self-approval.
    Case(
        "partners:invoice_decide",
        expect(contributor=403, other_contributor=403, coordinator=302, other_coordinator=404, manager=403),
        kwargs=invoice,
        method="post",
        data=lambda w: {"decision": "approve"},
    ),
    # A returned invoice is corrected by whoever may enter the partner's invoices for the project.
    Case("partners:invoice_correct", SCOPED, kwargs=lambda w: {"public_id": w["returned"].public_id}),
    Case(
        "partners:invoice_correct",
        expect(contributor=403, other_contributor=403, coordinator=403, other_coordinator=404, manager=403),
        kwargs=invoice,
        id="an invoice that was not returned",
    ),
    Case("partners:paying", MANAGERS),
    Case("partners:run_export", MANAGERS, kwargs=lambda w: {"public_id": w["run"].public_id}),
    Case("partners:reach", MANAGERS),
    Case(
        "partners:reach",
        SCOPED,
        query="",
        id="reach for a project",
    ),
    Case(
        "partners:introduction",
        expect(coordinator=403, other_coordinator=403, manager=403),
    ),
    Case("partners:assessment_list", STAFF),
    Case(
        "partners:assessment_start",
        MANAGERS_POST,
        method="post",
        data=lambda w: {"framework": w["framework"].pk, "year": "2026"},
    ),
    Case("partners:assessment_detail", ORGANISATION_ONLY, kwargs=assessment),
    Case(
        "partners:assessment_detail",
        SCOPED,
        kwargs=lambda w: {"public_id": w["project_assessment"].public_id},
        id="a project's assessment",
    ),
    Case("partners:answer_edit", ORGANISATION_ONLY, kwargs=lambda w: {**assessment(w), "order": 1}),
    Case("partners:assessment_refresh", ORGANISATION_POST, kwargs=assessment, method="post"),
    Case("partners:assessment_complete", ORGANISATION_POST, kwargs=assessment, method="post"),
    Case("partners:assessment_pdf", ORGANISATION_ONLY, kwargs=assessment),
    Case("partners:assessment_csv", ORGANISATION_ONLY, kwargs=assessment),
]


def _build(cara, olu, fatima, other_coordinator, morgan, project):
    ensure_uk_standards()
    uk_standards = Framework.objects.get(slug="uk-standards")
    second_manager = UserFactory(email="riley@example.org", name="Riley Finance", manager=True)
    partner = services.create_partner(
        actor=morgan,
        name="Riverside Carers' Centre",
        kind="charity",
        communities="Unpaid carers",
        status="active",
    )
    services.link_partner(actor=morgan, partner=partner, project=project, role=LinkRole.CO_DELIVER)
    services.add_contact(
        actor=morgan, partner=partner, name="Janet Hughes", email="janet@example.org", consent=True
    )
    invoice = services.enter_invoice(
        actor=morgan,
        partner=partner,
        project=project,
        invoice_reference_text="RCC-2",
        description="A workshop",
        invoiced_on=date(2026, 11, 2),
        amount=Decimal("120.00"),
    )
    paid = services.enter_invoice(
        actor=fatima,
        partner=partner,
        project=project,
        invoice_reference_text="RCC-3",
        description="Room hire",
        invoiced_on=date(2026, 11, 3),
        amount=Decimal("40.00"),
    )
    services.decide_invoice(actor=morgan, invoice=paid, approve=True)
    run = services.pay_invoices(
        actor=second_manager, invoices=[paid], paid_on=date(2026, 11, 20), reference="BACS-1"
    )
    returned = services.enter_invoice(
        actor=fatima,
        partner=partner,
        project=project,
        invoice_reference_text="RCC-4",
        description="Travel",
        invoiced_on=date(2026, 11, 4),
        amount=Decimal("15.00"),
    )
    services.return_invoice(actor=morgan, invoice=returned, note="The date is wrong")
    organisation = services.start_assessment(actor=morgan, framework=uk_standards, year=2025)
    # Every standard rated, so completing it succeeds for whoever may complete it.
    for answer in organisation.answers.all():
        services.save_answer(actor=morgan, answer=answer, rating="developing", working="", improve="")
    return {
        "anonymous": None,
        "contributor": cara,
        "other_contributor": olu,
        "coordinator": fatima,
        "other_coordinator": other_coordinator,
        "manager": morgan,
        "partner": partner,
        "invoice": invoice,
        "returned": returned,
        "run": run,
        "framework": uk_standards,
        "assessment": organisation,
        "project_assessment": services.start_assessment(
            actor=morgan, framework=uk_standards, year=2025, project=project
        ),
    }


world = world_fixture(_build)


@pytest.mark.parametrize(("case", "persona"), params(CASES))
def test_permission_matrix(db, client, world, case, persona):
    if case.id == "reach for a project":
        case = Case(
            case.url_name, case.expect, query=f"?project={world['partner'].links.get().project.public_id}"
        )
    check(client, world, case, persona)
