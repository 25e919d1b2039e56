"""The payments lists built without the template engine's per-row work (issue 12): the approval
queue's filters written out instead of crispy-forms-gds, and the rows of the queue, the paying
page and a person's claims built in Python from the columns they show. A person must see the
same page: each is compared with the markup the templates produced before (kept here as the
reference), and the queue's count, now from a figure, must follow a change at once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test.html import parse_html
from django.urls import reverse
from django.utils import timezone

from payments import services
from payments.benefits import expected_payment_on
from payments.forms import QueueFilterForm
from payments.models import Claim, PaymentBatch, PaymentChoice
from portal.compiled import Compiled
from portal.models import AuditEvent, Project
from tests.factories import (
    ActivityFactory,
    ClaimFactory,
    ParticipationFactory,
    ProjectFactory,
    UserFactory,
    give_bank_details,
)

# The rows as the templates rendered them before (payments/claim_queue.html,
# payments/payment_list.html, payments/partials/claim_table.html), from the claim objects.
QUEUE_ROW = """{% load portal_tags %}<tr class="govuk-table__row">
<td class="govuk-table__cell">{% if row.selectable %}<div class="govuk-checkboxes govuk-checkboxes--small"><div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" type="checkbox" id="claim-{{ claim.public_id }}" name="claims" value="{{ claim.public_id }}"{% if row.checked %} checked{% endif %}><label class="govuk-label govuk-checkboxes__label" for="claim-{{ claim.public_id }}"><span class="govuk-visually-hidden">Select {{ claim.reference }}, {{ claim.contributor }} for {{ claim.title }}</span></label></div></div>{% elif row.flagged %}<span class="govuk-body-s">Open to decide</span>{% endif %}</td>
<td class="govuk-table__cell"><a class="govuk-link" href="{% url 'payments:claim_detail' claim.public_id %}">{{ claim.contributor }}: {{ claim.title }}</a> <span class="govuk-body-s">({{ claim.contributor|person_hint }})</span><br><span class="govuk-body-s">{{ claim.reference }} · {{ claim.project.title }}{% if claim.entered_by %} · entered by {{ claim.entered_by }}{% endif %}</span></td>
<td class="govuk-table__cell">{{ claim.submitted_at|local_dt|date:"j M Y" }}</td>
<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{{ claim.status|status_tag_colour }}">{{ claim.get_status_display }}</strong>{% if claim.awaiting_second_approval %} <strong class="govuk-tag govuk-tag--yellow">Second approval</strong>{% endif %}{% if claim.is_over_budget %} <strong class="govuk-tag govuk-tag--red">Over budget</strong>{% endif %}{% if claim.has_duplicate_receipt %} <strong class="govuk-tag govuk-tag--red">Receipt used on another claim</strong>{% endif %}</td>
<td class="govuk-table__cell govuk-table__cell--numeric">{{ claim.total|money }}</td>
</tr>"""

PAYING_ROW = """{% load portal_tags %}<tr class="govuk-table__row">
<td class="govuk-table__cell">{% if row.payable %}<div class="govuk-checkboxes govuk-checkboxes--small"><div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" type="checkbox" id="pay-{{ claim.public_id }}" name="claims" value="{{ claim.public_id }}"{% if row.checked %} checked{% endif %}><label class="govuk-label govuk-checkboxes__label" for="pay-{{ claim.public_id }}"><span class="govuk-visually-hidden">Pay {{ claim.reference }}, {{ claim.contributor }} for {{ claim.title }}</span></label></div></div>{% endif %}</td>
<td class="govuk-table__cell"><a class="govuk-link" href="{% url 'payments:claim_detail' claim.public_id %}">{{ claim.contributor }}: {{ claim.title }}</a><br><span class="govuk-body-s">{{ claim.reference }} · {{ claim.get_payment_choice_display }}</span></td>
<td class="govuk-table__cell">{% if claim.pays_by_vouchers %}Vouchers{% else %}Bank transfer{% if not claim.has_bank_details %}<br><strong class="govuk-tag govuk-tag--red">No bank details</strong><br><span class="govuk-body-s">Cannot be paid by transfer until the contributor adds them</span>{% endif %}{% endif %}</td>
<td class="govuk-table__cell govuk-table__cell--numeric">{{ claim.total|money }}<br><span class="govuk-body-s">fee {{ claim.fee_total|money }}, expenses {{ claim.expense_total|money }}</span></td>
</tr>"""

BATCH_ITEM = """<li>{{ batch.paid_on|date:"j F Y" }}, {{ batch.get_method_display|lower }} reference {{ batch.reference }} (by {{ batch.created_by }}) ·
          <a class="govuk-link" href="{% url 'payments:batch_export' batch.public_id %}">Download finance export<span class="govuk-visually-hidden"> for {{ batch.reference }}</span></a></li>"""

CLAIMS_ROW = """{% load portal_tags %}<tr class="govuk-table__row"><td class="govuk-table__cell"><a class="govuk-link" href="{% url 'payments:claim_detail' claim.public_id %}">{{ claim.title }}</a><br><span class="govuk-body-s">{{ claim.reference }}{% if claim.contributor_id != user.pk %}, for {{ claim.contributor }}{% endif %}</span></td>
<td class="govuk-table__cell">{{ claim.work_on|date:"j M Y" }}</td>
<td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{{ claim.status|status_tag_colour }}">{{ claim.get_status_display }}</strong></td>
<td class="govuk-table__cell">{% if claim.paid_on %}{{ claim.paid_on|date:"j M Y" }}{% elif claim.expected_on %}Usually {{ claim.expected_on|date:"j M Y" }}{% else %}–{% endif %}</td>
<td class="govuk-table__cell govuk-table__cell--numeric">{{ claim.total|money }}</td></tr>"""


@pytest.fixture(autouse=True)
def _setup(settings, db):
    settings.PORTAL_REQUIRE_STAFF_MFA = False


def _claim(project, person=None, **kwargs):
    person = person or UserFactory(contributor=True)
    participation = ParticipationFactory(
        activity=ActivityFactory(project=project, past=True), contributor=person, status="attended"
    )
    return ClaimFactory(participation=participation, **kwargs)


def _submitted(project, person=None, days=1, **kwargs):
    when = timezone.now() - timedelta(days=days)
    return _claim(project, person, status="submitted", submitted_at=when, first_submitted_at=when, **kwargs)


def _has_row(page: str, template: str, **context) -> None:
    """The page holds the row `template` renders for `context`, as the same HTML."""
    expected = parse_html(Template(template).render(Context(context)))
    assert parse_html(page).count(expected) == 1, Template(template).render(Context(context))


def _form_html(page: str) -> str:
    start = page.index('<form method="get" novalidate class="govuk-!-margin-bottom-6">')
    start = page.index(">", start) + 1
    return page[
        start : page.index('<button type="submit" class="govuk-button govuk-button--secondary"', start)
    ]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"page": "2"},
        {"status": "approved", "project": "THE_PROJECT", "person": "Cara", "waiting_for_me": "on"},
        {"status": "nonsense", "project": "999999", "person": '<b>"x"</b>'},
        {"status": "", "project": "", "waiting_for_me": "false"},
    ],
)
def test_the_queue_filters_are_the_markup_crispy_forms_gds_gave_them(client, fatima, project, query):
    query = {key: str(project.pk) if value == "THE_PROJECT" else value for key, value in query.items()}
    ProjectFactory(lead=fatima, title="A & B study")
    client.force_login(fatima)
    page = client.get(reverse("payments:claim_queue"), query).content.decode()
    projects = dict(Project.objects.managed_by(fatima).values_list("pk", "title"))
    form = QueueFilterForm(query or None, user=fatima, projects=projects)
    crispy = Template("{% load crispy_forms_tags %}{{ form|crispy }}").render(Context({"form": form}))
    assert parse_html(_form_html(page)) == parse_html(crispy)


def test_each_queue_row_is_the_row_the_template_gave_and_only_decidable_clear_claims_can_be_ticked(
    client, fatima, other_coordinator, cara, project
):
    from django.contrib.contenttypes.models import ContentType

    from contributors.models import Contributor

    project.involvement_budget = Decimal("100000")
    project.save()
    tight = ProjectFactory(lead=fatima, title="Tight <study>", involvement_budget=Decimal("10.00"))
    clear = _submitted(project, cara, days=6, reference="CL-2026-00001")
    entered = _submitted(project, days=5, entered_by=fatima, reference="CL-2026-00002")
    second = ClaimFactory(
        participation=None,
        contributor=UserFactory(contributor=True, name="", email="no.name@example.org"),
        project=project,
        work_on=timezone.localdate(),
        status="submitted",
        submitted_at=timezone.now() - timedelta(days=4),
        decided_by=other_coordinator,
        reference="CL-2026-00003",
    )
    over = _submitted(tight, days=3, reference="CL-2026-00004")
    own = _submitted(project, fatima, days=2, reference="CL-2026-00005")
    touched = _submitted(project, days=1, reference="CL-2026-00006")
    profile = give_bank_details(touched.contributor)
    AuditEvent.objects.create(
        actor=fatima,
        action="bank_details.changed",
        target_type=ContentType.objects.get_for_model(Contributor),
        target_id=str(profile.public_id),
        data={},
    )
    client.force_login(fatima)
    page = client.get(reverse("payments:claim_queue"), {"select": "all"}).content.decode()
    expected = {clear: True, entered: False, second: True, over: False, own: False, touched: False}
    flagged = {over}
    for claim, selectable in expected.items():
        claim = (
            Claim.objects.with_flags().select_related("contributor", "project", "entered_by").get(pk=claim.pk)
        )
        row = {"selectable": selectable, "flagged": claim in flagged, "checked": selectable}
        _has_row(page, QUEUE_ROW, claim=claim, row=row)
    assert page.count('name="claims"') == 2


def test_each_paying_row_is_the_row_the_template_gave(client, morgan, project):
    bank = _claim(project, status="approved", decided_at=timezone.now(), reference="CL-2026-00011")
    give_bank_details(bank.contributor)
    vouchers = _claim(
        project,
        status="approved",
        decided_at=timezone.now(),
        payment_choice=PaymentChoice.VOUCHERS,
        reference="CL-2026-00012",
    )
    no_bank = _claim(
        project,
        status="approved",
        decided_at=timezone.now(),
        payment_choice=PaymentChoice.REDUCED,
        expense_total=Decimal("3.20"),
        total=Decimal("53.20"),
        reference="CL-2026-00013",
    )
    runs = [
        PaymentBatch.objects.create(
            paid_on=timezone.localdate() - timedelta(days=n),
            reference=f"BACS <{n}> & co",
            method=method,
            created_by=who,
        )
        for n, (method, who) in enumerate(
            (("bank_transfer", morgan), ("vouchers", UserFactory(name="", email="no.name@example.org")))
        )
    ]
    client.force_login(morgan)
    for query, select_all in (({}, False), ({"select": "all"}, True)):
        page = client.get(reverse("payments:payment_list"), query).content.decode()
        for run in runs:
            _has_row(page, BATCH_ITEM, batch=PaymentBatch.objects.select_related("created_by").get(pk=run.pk))
        for claim in (bank, vouchers, no_bank):
            claim = Claim.objects.with_payment_route().select_related("contributor").get(pk=claim.pk)
            payable = claim.pays_by_vouchers or claim.has_bank_details
            _has_row(
                page, PAYING_ROW, claim=claim, row={"payable": payable, "checked": select_all and payable}
            )


def test_each_of_your_claims_is_the_row_the_template_gave(client, cara, project):
    today = timezone.localdate()
    paid = _claim(project, cara, status="paid", paid_on=today - timedelta(days=3), reference="CL-2026-00021")
    approved = _claim(project, cara, status="approved", reference="CL-2026-00022")
    draft = _claim(project, cara, reference="CL-2026-00023")
    later = _claim(
        project, cara, status="approved", pay_after=today + timedelta(days=40), reference="CL-2026-00024"
    )
    for_someone = _claim(project, entered_by=cara, reference="CL-2026-00025")
    rejected = _claim(project, cara, status="rejected", reference="CL-2026-00026")
    client.force_login(cara)
    page = client.get(reverse("payments:claim_list")).content.decode()
    for claim in (paid, approved, draft, later, for_someone, rejected):
        claim = Claim.objects.select_related("contributor", "participation__activity").get(pk=claim.pk)
        claim.expected_on = expected_payment_on(claim, today)
        _has_row(page, CLAIMS_ROW, claim=claim, user=cara)
    assert "Usually" in page
    assert "–" in page


def _count(page: str) -> str:
    return page.split(" in all.")[0].rsplit(", ", 1)[1]


def test_the_queue_count_follows_each_change_at_once_and_counts_the_coordinators_own_claims(
    client, fatima, other_coordinator, morgan, cara, project
):
    """The count of the page links comes from a figure of waiting claims per project. Unlike the
    navigation's "claims to check", it counts a coordinator's own claims (which the queue lists
    but they may not decide)."""
    for days in range(26):
        _submitted(project, days=days + 1)
    own = _submitted(project, fatima)
    elsewhere = ProjectFactory(lead=other_coordinator)
    _submitted(elsewhere)
    client.force_login(fatima)
    url = reverse("payments:claim_queue")
    page = client.get(url).content.decode()
    assert _count(page) == "27"
    assert 'Claims to check <span class="portal-nav-count">26<span' in page

    new = _submitted(project, cara)
    assert _count(client.get(url).content.decode()) == "28"
    services.decide_claim(claim=new, approver=fatima, approve=True)
    waiting = Claim.objects.filter(project=project, status="submitted").exclude(pk=own.pk).first()
    services.decide_claim(claim=waiting, approver=fatima, approve=False, note="Not ours")
    assert _count(client.get(url).content.decode()) == "26"
    assert _count(client.get(url, {"project": str(project.pk)}).content.decode()) == "26"
    # Narrowed to the claims waiting for her, the page counts what it lists (25: one page).
    waiting_for_me = client.get(url, {"waiting_for_me": "on"}).content.decode()
    assert waiting_for_me.count('name="claims"') == 25
    assert "in all." not in waiting_for_me

    client.force_login(morgan)
    assert _count(client.get(url).content.decode()) == "27"  # every project's
    assert "in all." not in client.get(url, {"project": str(elsewhere.pk)}).content.decode()


def _without_csrf(page: bytes) -> bytes:
    import re

    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)


@pytest.mark.parametrize("who", ["fatima", "morgan"])
def test_the_compiled_first_pages_are_the_pages_the_orm_gave(client, request, who, fatima, cara, project):
    """The queue's and the paying page's first page come from a query compiled once a process
    (portal.compiled): each page is byte for byte the page the ORM's query gave, whoever asks,
    with or without a project chosen, over the rows' states (a duplicate receipt, entered by
    someone, vouchers, bank details or none)."""
    from unittest import mock

    from payments.models import ExpenseLine
    from payments.views import approvals, paying

    person = request.getfixturevalue(who)
    other = ProjectFactory(lead=fatima, title="Other & study")
    for n, where in enumerate((project, other, project)):
        _submitted(where, days=n + 1, entered_by=fatima if n == 1 else None)
    first, second = (_submitted(project, days=9), _submitted(other, days=8))
    for claim in (first, second):
        ExpenseLine.objects.create(
            claim=claim,
            kind="public_transport",
            description="Bus",
            amount=Decimal("3.00"),
            receipt_sha256="ab" * 32,
        )
    give_bank_details(_claim(project, status="approved", decided_at=timezone.now()).contributor)
    _claim(project, status="approved", decided_at=timezone.now(), payment_choice=PaymentChoice.VOUCHERS)
    _claim(project, status="approved", decided_at=timezone.now())

    class ORM(Compiled):
        def rows(self, **values):
            return list(self._build(**values))

    orm = {approvals: ORM(approvals._first_page), paying: ORM(paying._FIRST_PAGE._build)}
    client.force_login(person)
    pages = [(reverse("payments:claim_queue"), {}), (reverse("payments:claim_queue"), {"project": other.pk})]
    if person.is_manager:
        pages.append((reverse("payments:payment_list"), {"select": "all"}))
    for path, query in pages:
        compiled = client.get(path, query)
        module = paying if "pay" in path else approvals
        with mock.patch.object(module, "_FIRST_PAGE", orm[module]):
            expected = client.get(path, query)
        assert compiled.status_code == expected.status_code == 200
        assert _without_csrf(compiled.content) == _without_csrf(expected.content), (path, query)
        assert b"govuk-table__row" in compiled.content


def test_the_queue_and_the_paying_page_page_through_every_claim_once_in_order(client, morgan, project):
    """The first page compiled, the others through the ORM: together every claim, once, in order."""
    now = timezone.now()
    waiting = [
        ClaimFactory(
            project=project,
            status="submitted",
            submitted_at=now - timedelta(hours=30 - n),
            reference=f"CL-Q-{n:02d}",
        )
        for n in range(27)
    ]
    approved = [
        ClaimFactory(
            project=project,
            status="approved",
            decided_at=now - timedelta(hours=30 - n),
            reference=f"CL-P-{n:02d}",
        )
        for n in range(27)
    ]
    client.force_login(morgan)
    for name, claims in (("payments:claim_queue", waiting), ("payments:payment_list", approved)):
        pages = [client.get(reverse(name), {"page": n}).content.decode() for n in ("1", "2", "99")]
        shown = [[c.reference for c in claims if c.reference in page] for page in pages]
        first, rest = [c.reference for c in claims[:25]], [c.reference for c in claims[25:]]
        assert shown == [first, rest, rest], name  # a page past the end is the last page
        assert pages[0].index(claims[0].reference) < pages[0].index(claims[24].reference)
