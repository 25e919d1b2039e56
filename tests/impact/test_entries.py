"""The impact log, reflections, naming consent, publishing and the public page."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from impact import services
from impact.models import EntryContributor, EntryStatus, ImpactEntry
from portal.models import AuditEvent
from tests.factories import (
    ActivityFactory,
    FeedbackItemFactory,
    ImpactEntryFactory,
    ParticipationFactory,
    ProjectFactory,
)

FIELDS = {
    "title": "Shorter leaflet",
    "stage": "recruitment",
    "occurred_on": timezone.localdate(),
    "hoped_to_influence": "The participant leaflet.",
    "outcome": "changed",
    "what_changed": "It went from 12 pages to 4.",
    "why_it_matters": "People read it before deciding.",
    "significance": "major",
    "standards": ["communications"],
}


@pytest.fixture
def activity(project, cara):
    activity = ActivityFactory(project=project, past=True)
    ParticipationFactory(activity=activity, contributor=cara, status="attended")
    return activity


def test_coordinator_logs_an_entry_as_a_draft_with_links_and_an_audit_row(fatima, project, activity, cara):
    entry = services.create_entry(
        actor=fatima, project=project, activities=[activity], contributors=[cara], **FIELDS
    )
    assert (entry.status, entry.created_by) == (EntryStatus.DRAFT, fatima)
    assert list(entry.activities.all()) == [activity]
    assert entry.people.get().consents_to_be_named is False
    assert AuditEvent.objects.filter(action="impact.entry_created", target_id=str(entry.public_id)).exists()


def test_other_coordinator_cannot_log_impact_on_someone_elses_project(other_coordinator, project):
    with pytest.raises(PermissionDenied):
        services.create_entry(actor=other_coordinator, project=project, **FIELDS)


def test_linked_activity_must_belong_to_the_project(fatima, project):
    elsewhere = ActivityFactory(project=ProjectFactory(lead=fatima))
    with pytest.raises(services.ImpactError):
        services.create_entry(actor=fatima, project=project, activities=[elsewhere], **FIELDS)


def test_publishing_needs_the_personal_details_check(fatima, project):
    entry = ImpactEntryFactory(project=project)
    with pytest.raises(services.ImpactError):
        services.publish_entry(actor=fatima, entry=entry, checked_no_personal_details=False)
    services.publish_entry(actor=fatima, entry=entry, checked_no_personal_details=True)
    entry.refresh_from_db()
    assert (entry.status, entry.published_by) == (EntryStatus.PUBLISHED, fatima)


def test_editing_a_published_entry_takes_it_off_the_public_page(fatima, project):
    entry = ImpactEntryFactory(project=project, published=True)
    services.update_entry(actor=fatima, entry=entry, **{**FIELDS, "title": "Shorter, clearer leaflet"})
    entry.refresh_from_db()
    assert (entry.title, entry.status, entry.published_at) == (
        "Shorter, clearer leaflet",
        EntryStatus.DRAFT,
        None,
    )


def test_public_page_shows_only_published_entries(client, project):
    ImpactEntryFactory(project=project, title="A draft nobody outside sees")
    ImpactEntryFactory(project=project, title="Plain-English summary", published=True)
    response = client.get(reverse("impact:public_changes"))
    assert response.status_code == 200
    assert b"Plain-English summary" in response.content
    assert b"A draft nobody outside sees" not in response.content


def test_public_page_names_only_contributors_who_agreed(client, project, cara, olu):
    entry = ImpactEntryFactory(project=project, published=True)
    EntryContributor.objects.create(entry=entry, contributor=cara)
    EntryContributor.objects.create(entry=entry, contributor=olu)
    services.set_naming_consent(actor=cara, entry=entry, consents=True)
    content = client.get(reverse("impact:public_project_changes", args=[project.public_id])).content.decode()
    assert "Cara Bennett" in content
    assert "Olu Adebayo" not in content
    assert "Fatima" not in content  # the coordinator who wrote it is not shown either


def test_public_project_page_is_404_for_a_project_with_nothing_published(client, project):
    ImpactEntryFactory(project=project)
    assert client.get(reverse("impact:public_project_changes", args=[project.public_id])).status_code == 404


def test_public_page_never_shows_evidence(client, project):
    ImpactEntryFactory(project=project, published=True, evidence_text="Minutes naming Mrs Jones")
    assert b"Mrs Jones" not in client.get(reverse("impact:public_changes")).content


def test_sign_in_page_links_to_the_public_page(client):
    content = client.get(reverse("account_login")).content.decode()
    assert reverse("impact:public_changes") in content


def test_named_contributor_adds_a_reflection_once_and_can_change_it(project, cara):
    entry = ImpactEntryFactory(project=project)
    EntryContributor.objects.create(entry=entry, contributor=cara)
    services.save_reflection(actor=cara, entry=entry, text="We were listened to.")
    services.save_reflection(actor=cara, entry=entry, text="We were listened to, mostly.")
    assert entry.reflections.get().text == "We were listened to, mostly."


def test_a_contributor_not_named_cannot_reflect(project, olu):
    with pytest.raises(PermissionDenied):
        services.save_reflection(actor=olu, entry=ImpactEntryFactory(project=project), text="Hello")


def test_entry_form_is_prefilled_from_a_feedback_item(client, fatima, project):
    activity = ActivityFactory(project=project, past=True)
    item = FeedbackItemFactory(
        feedback__activity=activity, you_said="Use bigger print", we_did="We used 14pt"
    )
    client.force_login(fatima)
    response = client.get(reverse("impact:entry_create") + f"?feedback_item={item.public_id}")
    assert response.status_code == 200
    form = response.context["form"]
    assert (form.initial["hoped_to_influence"], form.initial["what_changed"]) == (
        "Use bigger print",
        "We used 14pt",
    )
    assert form.initial["feedback_items"] == [item.pk]


def test_feedback_item_on_someone_elses_project_is_404(client, other_coordinator, project):
    item = FeedbackItemFactory(feedback__activity=ActivityFactory(project=project, past=True))
    client.force_login(other_coordinator)
    response = client.get(reverse("impact:entry_create") + f"?feedback_item={item.public_id}")
    assert response.status_code == 404


def test_other_coordinator_choosing_someone_elses_project_is_404(client, other_coordinator, project):
    client.force_login(other_coordinator)
    response = client.get(reverse("impact:entry_create") + f"?project={project.public_id}")
    assert response.status_code == 404


def _post_entry(client, project, **extra):
    data = {**FIELDS, "occurred_on": FIELDS["occurred_on"].isoformat(), **extra}
    return client.post(reverse("impact:entry_create") + f"?project={project.public_id}", data)


def test_evidence_file_whose_content_does_not_match_its_type_is_refused(client, fatima, project):
    client.force_login(fatima)
    fake = SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = _post_entry(client, project, evidence_file=fake)
    assert response.status_code == 400
    assert response.context["form"].errors["evidence_file"] == [
        "The evidence file's contents do not match its type."
    ]
    assert not ImpactEntry.objects.exists()


def test_evidence_file_is_kept_private_and_served_to_the_team(client, fatima, olu, project):
    client.force_login(fatima)
    pdf = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    response = _post_entry(client, project, evidence_file=pdf)
    entry = ImpactEntry.objects.get()
    assert response.status_code == 302
    download = client.get(reverse("impact:entry_evidence", args=[entry.public_id]))
    assert (download.status_code, b"".join(download.streaming_content)) == (200, b"%PDF-1.4 minutes")
    client.force_login(olu)
    assert client.get(reverse("impact:entry_evidence", args=[entry.public_id])).status_code == 404


def test_entry_form_with_errors_is_a_400_with_error_title(client, fatima, project):
    client.force_login(fatima)
    response = _post_entry(client, project, title="")
    assert response.status_code == 400
    assert b"<title>Error: " in response.content


def test_contributor_sees_published_entries_of_their_projects_but_not_drafts(client, cara, project, activity):
    draft = ImpactEntryFactory(project=project)
    published = ImpactEntryFactory(project=project, published=True)
    client.force_login(cara)
    assert client.get(reverse("impact:entry_detail", args=[published.public_id])).status_code == 200
    assert client.get(reverse("impact:entry_detail", args=[draft.public_id])).status_code == 404


def test_cube_checkin_records_four_scores_and_results_show_monthly_means(
    client, cara, fatima, project, activity
):
    client.force_login(cara)
    response = client.post(
        reverse("impact:cube_checkin", args=[project.public_id]),
        {"voice": 7, "contribute": 5, "agenda": 3, "change": 4, "comments": "Better than last time"},
    )
    assert response.status_code == 302
    services.record_cube_checkin(actor=cara, project=project, voice=9, contribute=5, agenda=4, change=6)
    client.force_login(fatima)
    response = client.get(reverse("impact:cube_results", args=[project.public_id]))
    month = response.context["months"][0]
    assert (month["n"], str(month["voice"]), str(month["agenda"])) == (2, "8.0", "3.5")
    assert b"<svg" in response.content


def test_cube_scores_outside_0_to_10_are_refused(cara, project, activity):
    with pytest.raises(services.ImpactError):
        services.record_cube_checkin(actor=cara, project=project, voice=11, contribute=5, agenda=4, change=6)


def test_contributor_home_lists_entries_awaiting_their_reflection(client, cara, project, activity):
    entry = ImpactEntryFactory(project=project, title="Bigger print")
    EntryContributor.objects.create(entry=entry, contributor=cara)
    client.force_login(cara)
    assert b"Bigger print" in client.get(reverse("portal:home")).content


def test_entries_in_the_log_are_newest_first(project):
    old = ImpactEntryFactory(project=project, occurred_on=timezone.localdate() - timedelta(days=90))
    new = ImpactEntryFactory(project=project)
    assert list(ImpactEntry.objects.all()) == [new, old]


def test_coordinator_records_naming_consent_for_someone_without_email(client, fatima, project):
    from portal.models import User

    offline = User.objects.create_user(name="Bert Offline")
    from portal.services import grant_role

    grant_role(actor=None, user=offline, role="Contributor")
    entry = ImpactEntryFactory(project=project)
    EntryContributor.objects.create(entry=entry, contributor=offline)
    client.force_login(fatima)
    response = client.post(
        reverse("impact:entry_consent", args=[entry.public_id]),
        {"person": offline.public_id, "consents": "yes"},
    )
    assert response.status_code == 302
    assert entry.people.get().consents_to_be_named is True
    event = AuditEvent.objects.get(action="impact.naming_consent")
    assert (event.actor, event.data["on_behalf_of"]) == (fatima, str(offline.public_id))


def test_coordinator_cannot_give_consent_for_someone_who_can_sign_in(fatima, project, cara):
    entry = ImpactEntryFactory(project=project)
    EntryContributor.objects.create(entry=entry, contributor=cara)
    with pytest.raises(PermissionDenied):
        services.set_naming_consent(actor=fatima, entry=entry, consents=True, contributor=cara)


def test_an_inactive_contributor_is_never_named_and_their_reflection_is_not_reported(client, project, cara):
    from impact import selectors

    entry = ImpactEntryFactory(project=project, published=True)
    EntryContributor.objects.create(entry=entry, contributor=cara, consents_to_be_named=True)
    services.save_reflection(actor=cara, entry=entry, text="My own words")
    cara.is_active = False
    cara.save()
    assert b"Cara Bennett" not in client.get(reverse("impact:public_changes")).content
    assert selectors.impact_report(project=project)["reflections"]["quotes"] == []


def test_impact_log_rows_show_each_entrys_date_link_project_and_labels(client, fatima, project):
    """The log reads only its columns as rows (issue 12): what a row shows is unchanged."""
    entry = ImpactEntryFactory(
        project=project,
        title="Plainer consent form",
        stage="recruitment",
        significance="major",
        published=True,
    )
    client.force_login(fatima)
    content = client.get(reverse("impact:entry_list")).content.decode()
    link = reverse("impact:entry_detail", args=[entry.public_id])
    assert f'<a class="govuk-link" href="{link}">Plainer consent form</a>' in content
    assert f'<td class="govuk-table__cell">{project.title}</td>' in content
    assert f'<td class="govuk-table__cell">{entry.get_stage_display()}</td>' in content
    assert '<td class="govuk-table__cell">Major</td>' in content
    assert '<strong class="govuk-tag govuk-tag--green">Published</strong>' in content
    assert f"{entry.occurred_on.day} {entry.occurred_on:%b %Y}" in content


def test_impact_log_lists_the_entries_that_name_the_contributor(client, project, cara):
    entry = ImpactEntryFactory(project=project, title="Shorter visit schedule", published=True)
    EntryContributor.objects.create(entry=entry, contributor=cara)
    ImpactEntryFactory(project=project, title="Someone else's change", published=True)
    client.force_login(cara)
    content = client.get(reverse("impact:entry_list")).content.decode()
    named = content.split("Entries that name you", 1)[1].split("</ul>", 1)[0]
    link = reverse("impact:entry_detail", args=[entry.public_id])
    assert f'<a class="govuk-link" href="{link}">Shorter visit schedule</a> ({project.title})' in named
    assert "Someone else" not in named


def test_an_impact_log_row_is_written_as_the_templates_loop_wrote_it(client, fatima, project):
    """The rows are written in Python (issue 12); a row must stay the same markup, escaped."""
    entry = ImpactEntryFactory(project=project, title='Tom & Jo\'s "leaflet" <v2>', significance="minor")
    client.force_login(fatima)
    content = client.get(reverse("impact:entry_list")).content.decode()
    link = reverse("impact:entry_detail", args=[entry.public_id])
    on = entry.occurred_on
    assert (
        '<tbody class="govuk-table__body">\n          \n            <tr class="govuk-table__row">'
        f'\n              <td class="govuk-table__cell">{on.day} {on:%b %Y}</td>'
        f'\n              <td class="govuk-table__cell"><a class="govuk-link" href="{link}">'
        "Tom &amp; Jo&#x27;s &quot;leaflet&quot; &lt;v2&gt;</a></td>"
        f'\n              <td class="govuk-table__cell">{project.title}</td>'
        f'\n              <td class="govuk-table__cell">{entry.get_stage_display()}</td>'
        '\n              <td class="govuk-table__cell">Minor</td>'
        '\n              <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--grey">Draft</strong></td>'
        "\n            </tr>\n          \n        </tbody>"
    ) in content
