"""A person's own claims paged through compiled queries (issue 12, portal.pagination.compiled_page):
the claims list and "Your data: Payments". Each gives the page the ORM's paging gives, for
whoever asks after whoever it was compiled for, on every page, past the end and below 1."""

import pytest
from django.urls import reverse

from contributors.data_export import SECTIONS, readable_section
from payments.views import claims as claim_views
from portal.pagination import PAGE_SIZE, compiled_page
from tests.factories import ActivityFactory, ClaimFactory, ParticipationFactory


def _claims(person, project, n):
    for i in range(n):
        ClaimFactory(
            participation=ParticipationFactory(
                activity=ActivityFactory(project=project, past=True, title=f"Meeting {i}"),
                contributor=person,
                status="attended",
            ),
        )


@pytest.fixture
def claimants(cara, olu, project):
    _claims(cara, project, 30)
    _claims(olu, project, 2)
    return cara, olu


def test_your_data_page_is_the_queryset_paged(rf, cara, claimants):
    from contributors import data_export

    section = SECTIONS["payments"]
    for number in ("1", "2", "3", "x", "999"):
        request = rf.get("/", {"claims": number})
        shown = readable_section(request, section, cara)["groups"][0]
        records = section.fn(cara)["claims"]
        plain = data_export.Records(records.rows, records.record, title="for", fetched=records.fetched)
        expected_page, _ = data_export._page(request, plain, "claims")
        assert shown["page"].paginator.count == 30
        assert shown["page"].number == expected_page.number
        assert shown["cards"] == [
            data_export._card(plain.record(row), "for") for row in plain.read(expected_page)
        ]


def test_a_claim_made_shows_on_your_data_at_once(client, cara, project, claimants):
    client.force_login(cara)
    url = reverse("contributors:my_data_section", args=["payments"])
    assert "Claims (30)" in client.get(url).content.decode()
    ClaimFactory(
        participation=ParticipationFactory(
            activity=ActivityFactory(project=project, past=True, title="Newest meeting"),
            contributor=cara,
            status="attended",
        ),
    )
    page = client.get(url).content.decode()
    assert "Claims (31)" in page
    assert "Newest meeting" in page


def test_the_claims_list_pages_as_the_orm_would(rf, claimants):
    from django.db.models import Q

    from payments.models import Claim

    for person in claimants:  # Olu after the query was compiled for Cara
        expected = Claim.objects.filter(Q(contributor=person) | Q(entered_by=person)).order_by(
            "-created_at", "-pk"
        )
        keys = list(expected.values_list("pk", flat=True))
        count = len(keys)
        last = max(1, -(-count // PAGE_SIZE))
        for number, shown in (("1", 1), ("2", 2), ("0", last), ("-1", last), ("99", last), ("x", 1), ("", 1)):
            page, _ = compiled_page(rf.get("/", {"page": number}), claim_views._CLAIM_PAGE, person=person.pk)
            shown = min(shown, last)  # Olu has one page: his page 2 is his last
            assert page.number == shown
            assert page.paginator.count == count
            bottom = (shown - 1) * PAGE_SIZE
            assert [row[0] for row in page.object_list] == keys[bottom : bottom + PAGE_SIZE]


def test_a_person_with_no_claims_has_one_empty_page(rf, project):
    from tests.factories import UserFactory

    nobody = UserFactory()
    for number in ("1", "3", "x"):
        page, _ = compiled_page(rf.get("/", {"page": number}), claim_views._CLAIM_PAGE, person=nobody.pk)
        assert page.number == 1
        assert page.paginator.count == 0
        assert list(page.object_list) == []
