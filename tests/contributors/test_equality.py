"""The Census categories, report helpers and the answers-as-they-were snapshot."""

from datetime import date

import pytest
from django.db import connection

from contributors import equality, services
from contributors.models import DiversityRecord, ParticipationDiversity
from portal.models import ParticipationStatus
from portal.services import add_participant, set_participation_status
from tests.factories import ActivityFactory, ParticipationFactory, opted_in


def test_every_question_offers_prefer_not_to_say():
    for _question, choices in equality.QUESTIONS.values():
        assert equality.PREFER_NOT_TO_SAY in choices.values


def test_there_are_nineteen_ethnic_categories_in_five_groups():
    codes = [c for c in equality.EthnicGroup.values if c != equality.PREFER_NOT_TO_SAY]
    assert len(codes) == 19
    assert set(equality.ETHNIC_GROUP_OF.values()) == set(equality.ETHNIC_GROUPS)
    assert equality.ETHNIC_GROUP_OF["black_caribbean"] == "black"
    assert equality.ETHNIC_GROUP_OF["mixed_white_asian"] == "mixed"


@pytest.mark.parametrize(
    ("condition", "reduces", "category"),
    [
        ("yes", "a_lot", "disabled_a_lot"),
        ("yes", "a_little", "disabled_a_little"),
        ("yes", "not_at_all", "condition_not_disabled"),
        ("no", "", "no_condition"),
        ("prefer_not_to_say", "", ""),
        ("", "", ""),
        ("yes", "prefer_not_to_say", ""),
    ],
)
def test_disability_category_follows_the_equality_act_grouping(condition, reduces, category):
    assert equality.disability_category(condition, reduces) == category


def test_age_bands_cover_the_report_and_census_bands():
    on = date(2026, 6, 1)
    assert equality.age_band(2002, on) == "under 25"
    assert equality.age_band(2001, on) == "25–34"
    assert equality.age_band(1951, on) == "75+"
    assert equality.age_band(None, on) == ""
    assert equality.census_age_band(2012, on) == "under 15"
    assert equality.census_age_band(1962, on) == "15 to 64"
    assert equality.census_age_band(1961, on) == "65 and over"


def test_withdrawing_consent_deletes_the_answers(cara):
    services.save_diversity(user=cara, consent=True, answers={"sex": "female", "religion": "none"})
    assert DiversityRecord.objects.filter(user=cara).exists()
    services.withdraw_diversity(user=cara)
    assert not DiversityRecord.objects.filter(user=cara).exists()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {DiversityRecord._meta.db_table}")
        assert cursor.fetchone()[0] == 0


def test_answers_cannot_be_saved_without_consent(cara):
    with pytest.raises(services.ContributorError):
        services.save_diversity(user=cara, consent=False, answers={"sex": "female"})
    assert not DiversityRecord.objects.exists()


def test_a_participation_keeps_the_answers_of_its_time(cara, fatima, project):
    services.save_diversity(
        user=cara, consent=True, answers={"ethnic_group": "black_african", "year_of_birth": 1970}
    )
    activity = ActivityFactory(project=project, past=True)
    opted_in(cara)
    participation = add_participant(actor=fatima, activity=activity, contributor=cara)
    set_participation_status(actor=fatima, participation=participation, status=ParticipationStatus.ATTENDED)

    services.save_diversity(user=cara, consent=True, answers={"ethnic_group": "prefer_not_to_say"})
    set_participation_status(actor=fatima, participation=participation, status="did_not_attend")
    set_participation_status(actor=fatima, participation=participation, status="attended")

    snapshot = ParticipationDiversity.objects.get(participation=participation)
    assert snapshot.has_answers is True
    assert (snapshot.ethnic_group, snapshot.year_of_birth) == ("black_african", 1970)
    assert snapshot.ethnic_group_code == "black"


def test_a_participation_created_attended_is_snapshotted_even_without_answers(cara, fatima, project):
    activity = ActivityFactory(project=project, past=True)
    opted_in(cara)
    participation = add_participant(actor=fatima, activity=activity, contributor=cara, status="attended")
    snapshot = participation.diversity_snapshot
    assert snapshot.has_answers is False
    assert snapshot.ethnic_group == ""


def test_an_invitation_takes_no_snapshot(cara):
    participation = ParticipationFactory(contributor=cara)
    services.snapshot_diversity  # noqa: B018 - imported for the signal wiring
    assert not ParticipationDiversity.objects.filter(participation=participation).exists()


def test_withdrawing_keeps_past_snapshots(cara, fatima, project):
    services.save_diversity(user=cara, consent=True, answers={"sex": "female"})
    activity = ActivityFactory(project=project, past=True)
    opted_in(cara)
    participation = add_participant(actor=fatima, activity=activity, contributor=cara, status="attended")
    services.withdraw_diversity(user=cara)
    assert ParticipationDiversity.objects.get(participation=participation).sex == "female"


def test_reading_your_own_answers_is_logged(cara):
    from portal.models import AuditEvent

    services.save_diversity(user=cara, consent=True, answers={"sex": "female"})
    services.read_own_diversity(user=cara)
    assert AuditEvent.objects.filter(action="diversity.read", actor=cara).count() == 1


def test_follow_up_answers_that_do_not_apply_are_not_kept(cara):
    record = services.save_diversity(
        user=cara,
        consent=True,
        answers={
            "ethnic_group": "asian_indian",
            "ethnic_group_description": "Gujarati",
            "religion": "other",
            "religion_description": "Jain",
            "long_term_condition": "no",
            "condition_reduces_ability": "a_lot",
        },
    )
    assert (record.ethnic_group_description, record.religion_description) == ("", "Jain")
    assert record.condition_reduces_ability == ""
