"""Whatever people type is shown as text, never as markup, on every key page: a name, a title,
a description that is a script tag comes out escaped. Several of these lists build their rows
outside the template engine for speed (issue 12), so this holds each of them to what Django's
autoescaping promises."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ActivityFactory,
    ClaimFactory,
    ContributorFactory,
    FeedbackOwedFactory,
    ImpactEntryFactory,
    ParticipationFactory,
    UserFactory,
    give_bank_details,
)

EVIL = "<script>alert(1)</script>\"'&"
SHOWN = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def hostile(settings, db, project, cara, fatima):
    """Every field a list shows, typed by someone hostile: people's names, titles, descriptions."""
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    project.title = f"Project {EVIL}"
    project.save()
    ContributorFactory(user=cara)
    activity = ActivityFactory(project=project, past=True, title=f"Workshop {EVIL}")
    people = []
    for n in range(3):
        person = UserFactory(name=f"Person {n} {EVIL}", contributor=True)
        ContributorFactory(user=person, in_directory=True, access_needs=["large_print"])
        give_bank_details(person)
        people.append(person)
        participation = ParticipationFactory(activity=activity, contributor=person, status="attended")
        ClaimFactory(participation=participation, submitted=True)
        FeedbackOwedFactory(participation=participation)
    earlier = ActivityFactory(project=project, past=True, title=f"Earlier {EVIL}")
    ClaimFactory(
        participation=ParticipationFactory(activity=earlier, contributor=people[0], status="attended"),
        approved=True,
    )
    offline = UserFactory(email=None, name=f"Offline {EVIL}")
    ContributorFactory(user=offline, registered_by=fatima, contact_method="post")
    mine = ParticipationFactory(activity=activity, contributor=cara, status="attended")
    ClaimFactory(participation=mine, submitted=True, ad_hoc_description=f"Travel {EVIL}")
    FeedbackOwedFactory(participation=mine, given=True)
    ImpactEntryFactory(project=project, title=f"Change {EVIL}", published=True)
    ImpactEntryFactory(
        project=project, title=f"Draft {EVIL}", occurred_on=timezone.localdate() - timedelta(days=3)
    )
    return {"activity": activity}


PAGES = [
    ("coordinator home", "fatima", lambda w: reverse("portal:home")),
    ("contributor home", "cara", lambda w: reverse("portal:home")),
    ("activity page", "fatima", lambda w: reverse("portal:activity_detail", args=[w["activity"].public_id])),
    ("directory", "fatima", lambda w: reverse("contributors:directory")),
    ("impact log", "morgan", lambda w: reverse("impact:entry_list")),
    ("public page", None, lambda w: reverse("impact:public_changes")),
    ("your data: claims", "cara", lambda w: reverse("contributors:my_data_section", args=["payments"])),
    ("claims list", "cara", lambda w: reverse("payments:claim_list")),
    ("feedback owed", "fatima", lambda w: reverse("feedback:owed_list")),
    ("approval queue", "fatima", lambda w: reverse("payments:claim_queue")),
    ("paying page", "morgan", lambda w: reverse("payments:payment_list")),
]


@pytest.mark.parametrize(("name", "persona", "url"), PAGES, ids=[p[0] for p in PAGES])
def test_what_people_typed_is_shown_as_text(client, request, hostile, name, persona, url):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.get(url(hostile))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert(1)" not in body
    assert SHOWN in body  # the hostile text is on the page, escaped: the test is not vacuous
