"""A partner working on Fatima's project, with a contact, and the UK Standards loaded."""

from datetime import date
from decimal import Decimal

import pytest

from partners import services
from partners.frameworks import ensure_uk_standards
from partners.models import Framework, LinkRole
from tests.factories import UserFactory


@pytest.fixture
def uk_standards(db):
    """The UK Standards framework (a migration loads it; a flushed test database may not have it)."""
    ensure_uk_standards()
    return Framework.objects.get(slug="uk-standards")


@pytest.fixture
def partner(morgan, project):
    """Riverside Carers' Centre, co-delivering Fatima's project, with one contact who agreed."""
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
    return partner


@pytest.fixture
def second_manager(db):
    """Another manager, so an invoice Morgan entered can be approved by someone else."""
    return UserFactory(email="riley@example.org", name="Riley Finance", manager=True)


@pytest.fixture
def invoice(partner, project, fatima):
    """An invoice Fatima entered from the partner, waiting for someone else's decision."""
    return services.enter_invoice(
        actor=fatima,
        partner=partner,
        project=project,
        invoice_reference_text="RCC-1",
        description="Two workshops",
        invoiced_on=date(2026, 11, 1),
        amount=Decimal("360.00"),
    )
