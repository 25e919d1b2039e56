"""How staff see and pick people: the namesake hint, natural order and search."""

from portal.forms import AddParticipantForm
from portal.models import User
from portal.people import hint, masked_email, natural_key, search_people
from tests.factories import ActivityFactory, UserFactory


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
