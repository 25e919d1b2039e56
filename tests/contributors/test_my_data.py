"""'Your data' (issue 12): an overview and one page per section, long lists paged; the download
stays complete."""

from django.urls import reverse

from tests.factories import ActivityFactory, ClaimFactory, ContributorFactory, ParticipationFactory


def _claims(person, project, n, title="Meeting"):
    for i in range(n):
        ClaimFactory(
            participation=ParticipationFactory(
                activity=ActivityFactory(project=project, past=True, title=f"{title} {i}"),
                contributor=person,
                status="attended",
            ),
            approved=True,
        )


def test_the_overview_shows_the_account_and_profile_and_links_every_section(client, cara, project):
    from contributors.data_export import SECTIONS

    ContributorFactory(user=cara, skills="plain English")
    _claims(cara, project, 3)
    client.force_login(cara)
    page = client.get(reverse("contributors:my_data")).content.decode()
    assert "cara@example.org" in page
    assert "plain English" in page
    for section in SECTIONS.values():
        assert reverse("contributors:my_data_section", args=[section.slug]) in page
        assert section.title in page
    assert "Your claims for fees and expenses" in page
    assert "Meeting 0" not in page  # claims are on their own page
    assert "Download all your data (JSON)" in page
    assert reverse("contributors:erasure_request") in page


def test_sixty_claims_are_paged_and_the_download_has_all_of_them(client, cara, project):
    ContributorFactory(user=cara)
    _claims(cara, project, 60)
    client.force_login(cara)
    url = reverse("contributors:my_data_section", args=["payments"])
    first = client.get(url)
    assert first.status_code == 200
    html = first.content.decode()
    assert html.count('class="govuk-summary-card"') == 25
    assert "Claims (60)" in html
    assert 'rel="next"' in html
    assert "?claims=2#claims" in html
    assert "Download all your data (JSON)" in html
    assert len(first.content) < 200_000

    last = client.get(url, {"claims": 3}).content.decode()
    assert last.count('class="govuk-summary-card"') == 10
    assert 'rel="next"' not in last

    data = client.get(reverse("contributors:my_data_json")).json()
    assert len(data["payments"]["claims"]) == 60


def test_a_section_page_shows_only_your_own_data(client, cara, olu, project):
    ContributorFactory(user=cara)
    ContributorFactory(user=olu, skills="origami")
    _claims(olu, project, 2, title="Olu's panel")
    _claims(cara, project, 1, title="Cara's panel")
    client.force_login(cara)
    for slug in ("payments", "involvement", "profile"):
        html = client.get(reverse("contributors:my_data_section", args=[slug])).content.decode()
        assert "Olu" not in html, slug
        assert "origami" not in html, slug
    assert (
        "Cara&#x27;s panel 0"
        in client.get(reverse("contributors:my_data_section", args=["payments"])).content.decode()
    )
    assert client.get(reverse("contributors:my_data_section", args=["nothing-here"])).status_code == 404
    # The JSON section name, with underscores, is not a page: one address per section.
    assert (
        client.get(reverse("contributors:my_data_section", args=["equality_monitoring"])).status_code == 404
    )


def test_a_section_with_several_lists_pages_each_on_its_own(client, cara, project):
    ContributorFactory(user=cara)
    for i in range(30):
        ParticipationFactory(
            activity=ActivityFactory(project=project, past=True, title=f"Workshop {i}"), contributor=cara
        )
    client.force_login(cara)
    url = reverse("contributors:my_data_section", args=["involvement"])
    html = client.get(url, {"participations": 2}).content.decode()
    assert html.count('class="govuk-summary-card"') == 5
    assert 'href="#participations"' in html
    assert 'id="roles"' in html


def test_every_section_page_costs_at_most_ten_queries_whatever_you_hold(client, cara, project):
    """The claims page is in tests/portal/test_query_budgets.py; this holds every other section
    (the profile and co-production ones have three and four lists, each a count and a page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contributors.data_export import SECTIONS

    ContributorFactory(user=cara)
    client.force_login(cara)

    def costs():
        out = {}
        for section in SECTIONS.values():
            url = reverse("contributors:my_data_section", args=[section.slug])
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            out[section.slug] = len(queries)
        return out

    _claims(cara, project, 2)
    small = costs()
    _claims(cara, project, 20, title="Panel")
    large = costs()
    assert small == large
    assert max(large.values()) <= 10, large


def test_a_card_is_marked_up_as_the_summary_list_template_would_mark_it_up():
    """The cards build their summary lists in Python (docs/performance.md); what a person sees
    must stay what partials/data_rows.html shows, escaping and line breaks included."""
    from django.template.loader import render_to_string

    from contributors.data_export import _rows, summary_list

    rows = _rows(
        {
            "reference": "BN-<1> & 'two'",
            "note": 'First line\r\nsecond "line" <b>',
            "paid_on": "2026-11-23",
            "when": "2026-11-23T10:30:00+00:00",
            "total": "12.50",
            "empty": "",
            "none": None,
            "flag": True,
            "codes": [],
            "fees": [{"description": "Prep <i>", "amount": "5.00"}, {"description": "Meeting\nday"}],
        }
    )
    assert summary_list(rows) == render_to_string("contributors/partials/data_rows.html", {"rows": rows})
    assert "&lt;b&gt;" in summary_list(rows)
    assert "line<br>second" in summary_list(rows)


def test_dates_read_as_date_format_writes_them_in_every_month():
    """The cards write dates out directly (docs/performance.md); they must say what
    `date_format` says, local time included."""
    from datetime import date

    from django.utils import timezone
    from django.utils.formats import date_format

    from contributors.data_export import _words

    for month in range(1, 13):
        assert _words("paid_on", f"2026-{month:02d}-05") == date_format(date(2026, month, 5), "j F Y")
    moment = "2026-06-30T23:30:00+00:00"  # British Summer Time: 1 July, 00:30
    assert _words("when", moment) == date_format(
        timezone.localtime(timezone.datetime.fromisoformat(moment)), "j F Y, H:i"
    )
    assert _words("when", moment) == "1 July 2026, 00:30"


def test_a_role_given_shows_on_your_data_and_in_the_download_at_once(client, cara):
    """The account's roles come from the roles every page reads (cached, forgotten on change)."""
    from portal.models import User
    from portal.services import grant_role

    client.force_login(cara)
    assert "Coordinator" not in client.get(reverse("contributors:my_data")).content.decode()
    grant_role(actor=None, user=User.objects.get(pk=cara.pk), role="Coordinator")
    assert "Contributor, Coordinator" in client.get(reverse("contributors:my_data")).content.decode()
    assert client.get(reverse("contributors:my_data_json")).json()["account"]["roles"] == [
        "Contributor",
        "Coordinator",
    ]


def test_the_erasure_requests_page_pages_both_lists(client, morgan):
    """The decided list had stopped at 50 with no way to older decisions: both lists now page,
    the oldest request waiting first and the newest decision first."""
    from datetime import timedelta

    from django.utils import timezone

    from contributors.models import ErasureRequest, ErasureStatus
    from tests.factories import UserFactory
    from tests.mfa import pass_mfa

    now = timezone.now()
    for n in range(60):
        ErasureRequest.objects.create(
            user=UserFactory(name=f"Decided {n:02d}", contributor=True),
            status=ErasureStatus.REFUSED,
            decided_by=morgan,
            decided_at=now - timedelta(days=n),
        )
    for n in range(27):
        request = ErasureRequest.objects.create(user=UserFactory(name=f"Waiting {n:02d}", contributor=True))
        ErasureRequest.objects.filter(pk=request.pk).update(created_at=now - timedelta(days=100 - n))
    client.force_login(morgan)
    pass_mfa(client, morgan)
    url = reverse("contributors:erasure_list")
    first = client.get(url).content.decode()
    assert ("Waiting 00" in first, "Waiting 25" in first, "Decided 00:" in first, "Decided 25:" in first) == (
        True,
        False,
        True,
        False,
    )
    last = client.get(url, {"page": 2, "decided_page": 3}).content.decode()
    assert ("Waiting 26" in last, "Waiting 00" in last, "Decided 59:" in last, "Decided 49:" in last) == (
        True,
        False,
        True,
        False,
    )
    assert "decided_page=3" in client.get(url, {"decided_page": 2}).content.decode()
