"""A person's own claims read through compiled queries (issue 12): the claims list's keys and
whether anything is left to claim, and "Your data: Payments"' keys and page. Each gives the
rows the ORM gives, for whoever asks after whoever it was compiled for, on every page."""

import pytest
from django.urls import reverse

from contributors.data_export import SECTIONS, readable_section
from payments import panels
from payments.views import claims as claim_views
from portal.pagination import PAGE_SIZE
from portal.rows import PageByKeys
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


def test_your_data_pages_its_claims_as_the_queryset_would(rf, claimants):
    for person in claimants:  # Olu after the queries were compiled for Cara
        records = SECTIONS["payments"].fn(person)["claims"]
        keys = list(records.rows.values_list("pk", flat=True))
        assert records.keys() == keys
        for start in range(0, len(keys), PAGE_SIZE):  # a full page, then a short one
            page = keys[start : start + PAGE_SIZE]
            expected = list(records.rows.filter(pk__in=page))
            assert sorted(records.page_rows(page), key=lambda row: page.index(row["pk"])) == expected


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


def test_the_claims_lists_keys_are_the_orms(claimants):
    from django.db.models import Q

    from payments.models import Claim

    for person in claimants:
        expected = Claim.objects.filter(Q(contributor=person) | Q(entered_by=person)).order_by(
            "-created_at", "-pk"
        )
        assert claim_views._CLAIM_KEYS.rows(person=person.pk) == list(expected.values_list("pk"))


def test_a_page_by_keys_takes_no_more_than_a_page(claimants):
    assert panels._EXPORTED_PAGE.rows([]) == []
    with pytest.raises(ValueError, match="at most"):
        PageByKeys(panels._exported_page, size=2).rows([1, 2, 3])
