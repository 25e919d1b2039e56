"""How staff see and pick people: the namesake hint, natural order and search."""

from django.contrib.auth.models import Group

from portal.forms import AddParticipantForm
from portal.models import User
from portal.people import hint, masked_email, natural_key, people_visible_to, search_people
from tests.factories import ActivityFactory, ProjectFactory, UserFactory


def test_natural_order_puts_2_before_10():
    names = ["Member 10", "member 2", "Member 1", "Ann"]
    assert sorted(names, key=natural_key) == ["Ann", "Member 1", "member 2", "Member 10"]


def test_the_hint_masks_the_email_and_adds_a_short_reference(db):
    a = UserFactory(name="Sam Taylor", email="sam@example.org")
    b = UserFactory(name="Sam Taylor", email="sam@example.org".replace("sam", "s.t"))
    assert masked_email("sam@example.org") == "s…@example.org"
    assert "sam@" not in hint(a)
    assert hint(a) != hint(b)
    assert a.name_with_hint.startswith("Sam Taylor (s…@example.org, ref. ")
    offline = User.objects.create_user(email=None, password=None, name="Sam Taylor")
    assert "no email" in offline.name_with_hint


def test_the_participant_picker_shows_hints_in_natural_order_and_searches(db, project):
    # Emails without digits: a sequence-numbered one ("person12@") would match "1" too.
    for n, word in ((10, "ten"), (2, "two"), (1, "one")):
        UserFactory(name=f"Member {n}", email=f"member-{word}@example.org", contributor=True)
    form = AddParticipantForm(activity=ActivityFactory(project=project))
    labels = [label for _value, label in form.fields["contributor"].choices][1:]
    assert [label.split(" (")[0] for label in labels] == ["Member 1", "Member 2", "Member 10"]
    found = AddParticipantForm(activity=ActivityFactory(project=project), find="member 1")
    assert {u.name for u in found.fields["contributor"].queryset} == {"Member 1", "Member 10"}
    assert search_people(User.objects.all(), "nobody-called-this").count() == 0


def test_a_long_picker_is_a_search_showing_at_most_twenty_never_everyone(client, morgan, project):
    from django.urls import reverse

    # Emails of our own: the factory's carry a sequence number, whose digits would match "7"
    # for more people the longer the test run before this one.
    for n in range(30):
        UserFactory(
            name=f"Person {n}", email=f"picker-{chr(97 + n % 26)}{n // 26}@example.org", contributor=True
        )
    activity = ActivityFactory(project=project)
    client.force_login(morgan)
    url = reverse("portal:activity_detail", args=[activity.public_id])
    page = client.get(url).content.decode()
    assert "Find a person by name or email" in page
    assert "Person 1 (" not in page  # before a search, nobody is listed
    page = client.get(url, {"find": "person"}).content.decode()
    assert "30 found for “person”" in page
    assert page.count("<option value=") - page.count('<option value=""') == 20
    page = client.get(url, {"find": "person 7"}).content.decode()
    assert "Person 7 (" in page
    # Adding still works for anyone who may be chosen, searched or not.
    chosen = User.objects.get(name="Person 29")
    response = client.post(
        reverse("portal:participant_add", args=[activity.public_id]), {"contributor": chosen.pk}
    )
    assert response.status_code == 302
    assert activity.participations.filter(contributor=chosen).exists()


def test_a_person_linked_many_ways_is_in_the_scope_once(fatima, project):
    """The scope has no deduplicating subquery around it: each link must match a person once."""
    from contributors.models import Contributor
    from portal.people import people_visible_to
    from tests.factories import ContributorFactory, ParticipationFactory, RoleAssignmentFactory

    person = ContributorFactory(registered_by=fatima).user
    for _ in range(3):
        ParticipationFactory(activity=ActivityFactory(project=project), contributor=person)
    RoleAssignmentFactory(contributor=person, project=project)
    RoleAssignmentFactory(contributor=person, project=project)
    assert list(people_visible_to(fatima).filter(pk=person.pk)) == [person]
    assert Contributor.objects.visible_to(fatima).filter(user=person).count() == 1


def test_a_scope_built_once_reads_its_people_afresh_and_is_each_persons_own(
    db, fatima, other_coordinator, project
):
    """people_visible_to and the offline list are built once a process for a person and their
    roles (portal.people.built_for): a link made or undone shows at once, another coordinator
    never gets Fatima's query, and a change of roles builds the scope again."""
    from contributors.models import offline_visible_to
    from contributors.services import register_offline_contributor
    from portal.models import Participation, Role
    from tests.factories import ParticipationFactory

    sams_project = ProjectFactory(lead=other_coordinator)
    erin = UserFactory(contributor=True)
    dennis = register_offline_contributor(
        actor=other_coordinator, name="Dennis", contact_method="phone", phone="0113 496 0123"
    ).user

    assert erin not in people_visible_to(fatima)  # built now
    ParticipationFactory(activity=ActivityFactory(project=project), contributor=erin)
    assert erin in people_visible_to(fatima)
    assert erin not in people_visible_to(other_coordinator)
    Participation.objects.filter(contributor=erin).delete()
    assert erin not in people_visible_to(fatima)

    assert dennis.pk in set(offline_visible_to(other_coordinator).values_list("pk", flat=True))
    assert not offline_visible_to(fatima).exists()
    ParticipationFactory(activity=ActivityFactory(project=project), contributor=dennis)
    assert list(offline_visible_to(fatima).values_list("pk", flat=True)) == [dennis.pk]
    sams_project.coordinators.add(fatima)
    ParticipationFactory(activity=ActivityFactory(project=sams_project), contributor=erin)
    assert erin in people_visible_to(fatima)

    # No longer a coordinator: only herself, as people_q says for a contributor.
    fatima.groups.remove(Group.objects.get(name=Role.COORDINATOR))
    fatima = User.objects.get(pk=fatima.pk)
    assert list(people_visible_to(fatima)) == [fatima]


def test_building_a_scope_reads_nothing_so_it_may_be_kept_for_the_process(fatima, morgan, project):
    """portal.people.built_for keeps a scope's queryset a process for the person and their
    roles, which is right only while building it reads no rows: every link (register_link),
    every app's visible_to passed to built_for, only writes the person's key into the query.
    A link that read a list of ids when it was built would be kept stale; this fails first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contributors.models import _offline_visible_to
    from portal.models import Activity
    from portal.people import people_q

    for user in (fatima, morgan):
        user = User.objects.get(pk=user.pk)
        user.role_names()  # the roles are the key, read before anything is built
        with CaptureQueriesContext(connection) as read:
            people_q(user)
            people_q(user, offline_only=True)
            _offline_visible_to(user)
            Activity.objects.visible_to(user)
        assert read.captured_queries == []
