"""The directory's two lists are written in Python (contributors/views/rows.py, issue 12). A
coordinator must see the same page: each list is compared, character for character, with what
the template's loops wrote before (kept here as the reference), over every state a row has."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from contributors.models import ContactMethod, Contributor
from portal.models import User
from tests.factories import ContributorFactory

# The loops of contributors/directory.html before, verbatim (whitespace included).
DIRECTORY_LOOP = """{% load portal_tags %}<tbody class="govuk-table__body">
        {% for c in people %}
          <tr class="govuk-table__row"><td class="govuk-table__cell"><a class="govuk-link" href="{% url 'contributors:person_detail' c.public_id %}">{{ c.user.name }}</a><br><span class="govuk-body-s">{{ c.user|person_hint }}</span>{% if c.status == "paused" %} <strong class="govuk-tag govuk-tag--yellow">Paused</strong>{% endif %}</td>
            <td class="govuk-table__cell">{{ c.lived_experience|default:"–" }}</td><td class="govuk-table__cell">{{ c.interests|default:"–" }}</td><td class="govuk-table__cell">{{ c.skills|default:"–" }}</td></tr>
        {% empty %}
          <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="4">Nobody found.</td></tr>
        {% endfor %}
      </tbody>"""

OFFLINE_LOOP = """{% load portal_tags %}<ul class="govuk-list">
    {% for c in offline %}<li><a class="govuk-link" href="{% url 'contributors:person_detail' c.public_id %}">{{ c.user.name }}</a> ({{ c.user|person_hint }}) – {{ c.get_contact_method_display|lower }}{% if c.registered_by %}, registered by {{ c.registered_by }}{% endif %}</li>{% empty %}<li>Nobody yet.</li>{% endfor %}
  </ul>"""

SCRIPT = "<script>alert(\"x\")</script> & 'quoted'"


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False


def _page(client, **params) -> str:
    return client.get(reverse("contributors:directory"), params).content.decode()


def _expected(template: str, **context) -> str:
    return Template(template).render(Context(context))


def _listed():
    return list(Contributor.objects.in_directory().select_related("user").order_by("user__name", "pk"))


def _offline(coordinator):
    from contributors.models import offline_visible_to

    keys = list(offline_visible_to(coordinator).values_list("profile", flat=True))
    found = Contributor.objects.select_related("user", "registered_by").in_bulk(keys)
    return [found[pk] for pk in keys]


def test_both_lists_are_marked_up_as_the_template_marked_them_up_in_every_state(client, fatima, morgan):
    # The directory: active and paused, texts given and not, a name and email that need escaping.
    ContributorFactory(
        in_directory=True, status="active", skills="chairing", interests="", lived_experience=""
    )
    ContributorFactory(in_directory=True, status="paused", lived_experience="Stroke", interests="Trials")
    ContributorFactory(
        user=User.objects.create_user(email="o'brien&co@example.org", password="x", name=SCRIPT),
        in_directory=True,
        skills=SCRIPT,
        interests=SCRIPT,
        lived_experience=SCRIPT,
    )
    ContributorFactory(in_directory=False, skills="not listed")
    ContributorFactory(in_directory=True, status="left", skills="left")
    # Offline people: every way of reaching them, registered by someone with and without a
    # name, or by nobody (reached through a role's link instead: the manager sees everyone).
    unnamed = User.objects.create_user(email="unnamed@example.org", password="x", name="")
    for i, method in enumerate(ContactMethod.values):
        person = User.objects.create_user(email=None, password=None, name=f"Offline {i} {SCRIPT}")
        ContributorFactory(user=person, registered_by=fatima, contact_method=method)
    ContributorFactory(
        user=User.objects.create_user(email="", password=None, name="Offline by nameless"),
        registered_by=unnamed,
        contact_method="phone",
    )
    ContributorFactory(
        user=User.objects.create_user(email="has@example.org", password=None, name="Offline unregistered"),
        contact_method="text",
    )

    for person in (fatima, morgan):
        client.force_login(person)
        page = _page(client)
        assert _expected(DIRECTORY_LOOP, people=_listed()) in page
        assert _expected(OFFLINE_LOOP, offline=_offline(person)) in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;quoted&#x27;" in page
    assert "<script>alert" not in page
    assert ", registered by unnamed@example.org</li>" in page
    assert page.count("Paused</strong>") == 1


def test_empty_lists_and_a_search_are_marked_up_as_before(client, fatima):
    ContributorFactory(in_directory=True, skills="chairing meetings")
    ContributorFactory(in_directory=True, skills="budgets")
    client.force_login(fatima)
    page = _page(client, q="nothing like it")
    assert _expected(DIRECTORY_LOOP, people=[]) in page
    assert _expected(OFFLINE_LOOP, offline=[]) in page
    assert "0 people match “nothing like it”." in page
    found = _page(client, q="chairing")
    assert (
        _expected(DIRECTORY_LOOP, people=[c for c in _listed() if c.skills == "chairing meetings"]) in found
    )
    assert "1 person match “chairing”." in found


@pytest.mark.parametrize("q", [None, "", "chairing", SCRIPT, "x" * 101])
def test_the_search_box_is_what_crispy_forms_gds_renders(client, fatima, q):
    """Written out in the template: the same elements and attributes as crispy-forms-gds gives
    the field, empty, filled in (escaped) and refused (too long)."""
    from django.test.html import parse_html

    from contributors.forms import DirectorySearchForm

    client.force_login(fatima)
    page = _page(client, **({} if q is None else {"q": q}))
    form = DirectorySearchForm(None if q is None else {"q": q})
    form.is_valid()
    crispy = Template("{% load crispy_forms_tags %}{{ form.q|as_crispy_field }}").render(
        Context({"form": form})
    )
    start = page.index('<form method="get" novalidate class="portal-search">')
    box = page[page.index(">", start) + 1 : page.index('<button type="submit"', start)]
    assert parse_html(box) == parse_html(crispy)


@pytest.mark.parametrize("total", [0, 1, 25, 26, 51])
def test_the_offline_page_is_the_page_django_s_paginator_would_choose(rf, fatima, total):
    """The offline people are paged by their keys' LIMIT and a count kept as a figure
    (offline_count): for any page asked for (missing, not a number, out of range either way)
    the same page, count and keys as Paginator.get_page over all the keys."""
    from django.core.paginator import Paginator

    from contributors.models import offline_count, offline_visible_to
    from portal.pagination import PAGE_SIZE, paginate

    for i in range(total):
        person = User.objects.create_user(email=None, password=None, name=f"Offline {i:02d}")
        ContributorFactory(user=person, registered_by=fatima, contact_method="post")
    keys = offline_visible_to(fatima).values_list("profile", flat=True)
    for asked in (None, "", "x", "2.0", "0", "-1", "1", "2", "3", "99", "9" * 30):
        request = rf.get("/", {} if asked is None else {"offline_page": asked, "q": "kept"})
        page, query = paginate(request, keys, param="offline_page", count_rows=lambda: offline_count(fatima))
        expected = Paginator(list(keys), PAGE_SIZE).get_page(asked)
        assert (page.number, page.paginator.num_pages, page.paginator.count) == (
            expected.number,
            expected.paginator.num_pages,
            expected.paginator.count,
        ), asked
        assert list(page.object_list) == list(expected.object_list), asked
        assert query == ("" if asked is None else "q=kept")


def test_the_offline_count_follows_every_change_to_the_scope_at_once(client, fatima, project):
    """The count is kept, so every change to who is in the coordinator's scope, or who is
    offline, must show on the next page: registering, taking part, a role, an interest, being
    made a project's coordinator, erasure, taking over one's own account, and back."""
    from contributors.models import ExpressionOfInterest
    from tests.factories import (
        ActivityFactory,
        OpportunityFactory,
        ParticipationFactory,
        ProjectFactory,
        RoleAssignmentFactory,
    )

    def offline_person(name, **kwargs):
        return ContributorFactory(
            user=User.objects.create_user(email=None, password=None, name=name), **kwargs
        )

    def count():
        response = client.get(reverse("contributors:directory"))
        shown = response.context["offline"]
        assert len(shown.object_list) == min(shown.paginator.count, 25)
        return shown.paginator.count

    client.force_login(fatima)
    assert count() == 0
    registered = offline_person("Rita", registered_by=fatima)
    assert count() == 1
    taking_part = offline_person("Pat")
    participation = ParticipationFactory(
        activity=ActivityFactory(project=project), contributor=taking_part.user
    )
    assert count() == 2
    participation.delete()
    assert count() == 1
    RoleAssignmentFactory(contributor=taking_part.user, project=project)
    assert count() == 2
    interested = offline_person("Ines")
    ExpressionOfInterest.objects.create(
        opportunity=OpportunityFactory(project=project), contributor=interested.user
    )
    assert count() == 3
    elsewhere = offline_person("Elsie")
    other = ProjectFactory()
    ParticipationFactory(activity=ActivityFactory(project=other), contributor=elsewhere.user)
    assert count() == 3
    other.coordinators.add(fatima)
    assert count() == 4
    other.coordinators.remove(fatima)
    assert count() == 3
    registered.erased_at = timezone.now()
    registered.save()
    assert count() == 2
    person = interested.user
    person.email = "ines@example.org"
    person.set_password("a long enough password")
    person.save()
    assert count() == 1
    fatima.last_login = timezone.now()
    fatima.save(update_fields=["last_login"])  # signing in anywhere keeps the figure
    assert count() == 1


def test_the_directory_count_follows_every_change_to_who_is_listed_at_once(client, fatima):
    """Before a search the directory's count is kept as a figure (directory_count): opting in
    or out, leaving, coming back and erasure show on the next page; a search counts afresh."""
    from contributors.models import ContributorStatus

    def count(**params):
        return client.get(reverse("contributors:directory"), params).context["people"].paginator.count

    client.force_login(fatima)
    assert count() == 0
    ann = ContributorFactory(in_directory=True, skills="welding")
    ContributorFactory(in_directory=True, skills="baking")
    assert (count(), count(q="welding")) == (2, 1)
    ann.in_directory = False
    ann.save()
    assert (count(), count(q="welding")) == (1, 0)
    ann.in_directory = True
    ann.status = ContributorStatus.LEFT
    ann.save()
    assert count() == 1
    ann.status = ContributorStatus.ACTIVE
    ann.save()
    assert count() == 2
    ann.erased_at = timezone.now()
    ann.save()
    assert count() == 1
    ann.delete()
    ContributorFactory(in_directory=True)
    assert count() == 2


def _without_csrf(page: bytes) -> bytes:
    import re

    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)


def test_the_compiled_first_pages_are_the_pages_the_orm_gave(
    client, fatima, other_coordinator, morgan, project
):
    """Both lists' first page come from queries compiled once a process (the offline people's
    once for each set of roles, portal.people.compiled_for): each page is byte for byte the
    page the ORM's queries gave, for each coordinator after the query was compiled for another,
    and for a manager, in every row state; a search and the other pages go through the ORM."""
    from unittest import mock

    from contributors.views import people as people_views
    from tests.factories import ActivityFactory, ParticipationFactory

    for n in range(30):
        ContributorFactory(in_directory=True, status="paused" if n % 7 == 0 else "active", skills=SCRIPT)
    for n, method in enumerate(ContactMethod.values * 8):
        person = User.objects.create_user(email=None, password=None, name=f"Offline {n:02d} {SCRIPT}")
        registrar = (fatima, other_coordinator, None)[n % 3]
        profile = ContributorFactory(user=person, registered_by=registrar, contact_method=method)
        if n % 4 == 0:
            ParticipationFactory(activity=ActivityFactory(project=project), contributor=profile.user)
    pages = [{}, {"page": "1"}, {"page": "x"}, {"offline_page": "1", "page": "2"}, {"q": "alert"}]
    pages += [{"offline_page": "2"}, {"page": "0", "offline_page": "99"}]
    for person in (fatima, other_coordinator, morgan):
        client.force_login(person)
        for params in pages:
            compiled = client.get(reverse("contributors:directory"), params)
            with mock.patch.object(people_views, "page_bounds", return_value={}):  # every list by the ORM
                expected = client.get(reverse("contributors:directory"), params)
            assert compiled.status_code == expected.status_code == 200
            assert _without_csrf(compiled.content) == _without_csrf(expected.content), (person, params)
            assert b"Nobody found." not in compiled.content or "q" in params
            assert b"<li>Nobody yet.</li>" not in compiled.content
