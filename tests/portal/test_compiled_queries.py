"""Queries compiled once a process (portal.compiled.Compiled, issue 12): the contributor home's
uncached queries about a person's own claims, feedback and messages. Each gives exactly the
rows the ORM gives for the same values, for whoever asks after whoever it was compiled for,
and a query it cannot safely reuse is refused rather than run with a stale value."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db.models import Count
from django.utils import timezone

from feedback import panels as feedback_panels
from messaging import panels as messaging_panels
from messaging.models import Channel, Delivery, Message, Reply
from payments import panels as payments_panels
from payments import selectors as payments_selectors
from portal.compiled import Compiled
from portal.models import User
from tests.factories import (
    ActivityFactory,
    ClaimFactory,
    ContributorFactory,
    FeedbackOwedFactory,
    ParticipationFactory,
    ProjectFactory,
)


@pytest.fixture
def people(cara, olu, fatima, project):
    """Cara with something in every state the home shows; Olu with a little of his own."""
    for person, titles in ((cara, ("Leaflet review", "Steering group", "Focus group")), (olu, ("Survey",))):
        for n, title in enumerate(titles):
            activity = ActivityFactory(project=project, past=True, title=title)
            participation = ParticipationFactory(activity=activity, contributor=person, status="attended")
            if n == 1:
                ClaimFactory(participation=participation, submitted=True)
            if n == 2:
                FeedbackOwedFactory(participation=participation, given=True)
    paid_on = timezone.localdate() - timedelta(days=3)
    for choice in ("full_fee", "vouchers", "full_fee"):
        ClaimFactory(
            participation=ParticipationFactory(
                activity=ActivityFactory(project=project, past=True), contributor=cara, status="attended"
            ),
            status="paid",
            paid_on=paid_on,
            payment_choice=choice,
            expense_total=Decimal("4.50"),
        )
    ClaimFactory(
        participation=None,
        contributor=cara,
        project=project,
        work_on=timezone.localdate(),
        ad_hoc_description="Reviewed a form",
    )
    FeedbackOwedFactory(participation=ParticipationFactory(contributor=cara, status="attended"))
    message = Message.objects.create(
        sender=fatima, project=project, audience="All", subject="Hello", body="Hi"
    )
    delivery = Delivery.objects.create(message=message, recipient=cara, channel=Channel.EMAIL)
    Delivery.objects.create(message=message, recipient=olu, channel=Channel.EMAIL, read_at=timezone.now())
    mine = Message.objects.create(sender=cara, project=project, audience="All", subject="Re", body="Re")
    Reply.objects.create(
        delivery=Delivery.objects.create(message=mine, recipient=olu, channel=Channel.EMAIL),
        author=olu,
        body="Yes",
    )
    Reply.objects.create(delivery=delivery, author=cara, body="Thanks")
    return cara, olu


def _queries(person: User) -> list[tuple[Compiled, dict]]:
    year = payments_selectors.current_tax_year(timezone.localdate())
    start, end = payments_selectors.tax_year_bounds(year)
    return [
        (payments_panels._CLAIMABLE, {"person": person.pk}),
        (payments_panels._OPEN_CLAIMS, {"person": person.pk}),
        (payments_selectors._PAID_DAYS, {"contributor": person.pk, "start": start, "end": end}),
        (payments_selectors._PAID_TOTALS, {"contributor": person.pk, "start": start, "end": end}),
        (feedback_panels._NEW_AND_OWED, {"person": person.pk}),
        (messaging_panels._COUNTS, {"person": person.pk}),
    ]


@pytest.mark.parametrize("first", [0, 1])
def test_each_home_query_gives_the_orms_rows_for_whoever_asks(people, first):
    order = [people[first], people[1 - first]]
    for n in range(6):
        compiled = Compiled(_queries(order[0])[n][0]._build)  # compiled afresh for the first person
        for person in order:
            _, values = _queries(person)[n]
            expected = list(compiled._build(**values))
            assert compiled.rows(**values) == expected, (n, person)
    cara_rows = [q.rows(**v) for q, v in _queries(people[0])]
    assert all(cara_rows), cara_rows  # every query found something of Cara's
    assert cara_rows != [q.rows(**v) for q, v in _queries(people[1])]


def test_the_home_queries_compiled_for_the_page_give_the_orms_rows(people):
    for person in people:
        for compiled, values in _queries(person):
            assert compiled.rows(**values) == list(compiled._build(**values))


def test_a_query_it_cannot_reuse_is_refused(db):
    today = timezone.localdate()
    with pytest.raises(ValueError, match="values_list"):
        Compiled(lambda *, person: User.objects.filter(pk=person).values("pk")).rows(person=1)
    with pytest.raises(ValueError, match="plain queryset"):
        Compiled(lambda *, person: User.objects.filter(pk=person).annotate(n=Count("groups"))).rows(person=1)
    with pytest.raises(ValueError, match="every value"):
        Compiled(lambda *, person, on: User.objects.filter(pk=person).values_list("pk")).rows(
            person=1, on=today
        )
    # A value worked on before it reaches the query: reusing the SQL would keep the first one.
    with pytest.raises(ValueError, match="changes"):
        Compiled(lambda *, person: User.objects.filter(pk=person + 1).values_list("pk")).rows(person=1)
    with pytest.raises(TypeError):
        Compiled(lambda *, at: User.objects.filter(date_joined__lt=at).values_list("pk")).rows(
            at=timezone.now()
        )
    kept = Compiled(lambda *, on: User.objects.filter(date_joined__date__lt=on).values_list("pk"))
    assert kept.rows(on=date(2000, 1, 1)) == []


def test_only_the_values_are_parameters_of_a_prepared_statement(cara):
    """On PostgreSQL the query's constants (a JSON index, an empty string) are written into the
    prepared statement as the ORM's own query writes them, so that its one plan for every
    value can use a partial index whose condition names them; the values stay parameters. A
    Value(True) returned is a boolean, as the ORM gives it."""
    from django.db import connections
    from django.db.models import BooleanField, Value

    from contributors.models import Contributor, has_access_needs_q

    compiled = Compiled(
        lambda *, person: Contributor.objects.filter(has_access_needs_q(), user=person).values_list(
            "user_id", Value(True, output_field=BooleanField())
        )
    )
    ContributorFactory(user=cara, access_needs_other="Quiet room")
    assert compiled.rows(person=cara.pk) == [(cara.pk, True)]
    connection = connections["default"]
    _, run, params = compiled._statement(connection, {"person": cara.pk})
    if connection.vendor != "postgresql":
        # Elsewhere nothing is prepared: the constants stay parameters, as the ORM passes them.
        assert (params[-1], len(params) > 1) == (cara.pk, True)
        return
    assert params == [cara.pk]
    name = run.removeprefix("EXECUTE ").split("(")[0]
    prepared = [
        text
        for (text,) in connection.connection.execute(
            "SELECT statement FROM pg_prepared_statements WHERE name = %s", [name]
        )
    ]
    assert len(prepared) == 1
    assert ("-> 0" in prepared[0], "''" in prepared[0]) == (True, True)


@pytest.mark.django_db(transaction=True)
def test_a_new_database_connection_prepares_the_statement_again(cara):
    """On PostgreSQL the statement is prepared once a connection: a connection made again
    (CONN_MAX_AGE, a health check) has none, and gets it."""
    from django.db import connection

    compiled = Compiled(lambda *, person: User.objects.filter(pk=person).values_list("name"))
    assert compiled.rows(person=cara.pk) == [("Cara Bennett",)]
    connection.close()
    assert compiled.rows(person=cara.pk) == [("Cara Bennett",)]
    assert compiled.rows(person=cara.pk + 1000) == []


def test_a_batch_gives_each_query_its_own_rows_from_one_fetch(people):
    from unittest import mock

    from portal import compiled

    queries = _queries(people[0]) + _queries(people[1])
    with mock.patch.object(compiled, "_fetch", wraps=compiled._fetch) as fetch:
        with compiled.batch(queries):
            for query, values in queries:
                assert query.rows(**values) == list(query._build(**values))
        assert fetch.call_count == 1
        # Outside the block they are asked again.
        assert _queries(people[0])[0][0].rows(**_queries(people[0])[0][1]) is not None
        assert fetch.call_count == 2


def test_the_contributor_homes_uncached_queries_are_one_fetch(client, people):
    """Every panel's uncached query (Panel.rows) comes from the page's one batch: none is
    run on its own (a panel that asked for other values would be)."""
    from unittest import mock

    from django.urls import reverse

    from portal import compiled
    from tests.factories import ContributorFactory

    ContributorFactory(user=people[0])
    client.force_login(people[0])
    client.get(reverse("portal:home"))
    with mock.patch.object(compiled, "_fetch", wraps=compiled._fetch) as fetch:
        response = client.get(reverse("portal:home"))
    assert "1 new message" in response.content.decode()
    assert [len(call.args[0]) for call in fetch.call_args_list] == [5]


def test_a_tuple_of_keys_is_compiled_for_each_length_it_is_given(cara, olu, fatima):
    """A coordinator's projects (`project__in`): one statement a length, each value in its place."""
    compiled = Compiled(lambda *, people: User.objects.filter(pk__in=people).order_by("pk").values_list("pk"))
    for people in [(cara.pk,), (olu.pk, fatima.pk), (fatima.pk, cara.pk), (olu.pk,), (cara.pk, cara.pk)]:
        assert compiled.rows(people=people) == list(compiled._build(people=people)), people
    assert compiled.rows(people=(-5, olu.pk)) == [(olu.pk,)]
    with pytest.raises(ValueError, match="empty"):
        compiled.rows(people=())
    with pytest.raises(TypeError):
        compiled.rows(people=[cara.pk])  # a list could change after it is given


def test_a_first_page_compiled_gives_the_orms_rows_with_the_values_it_returns(morgan, fatima, project):
    """The approval queue's and the paying page's first pages, with the booleans their SQL
    returns (on PostgreSQL a prepared statement's Value(True) would come back as text)."""
    from payments.views import approvals, paying
    from tests.factories import give_bank_details

    today = timezone.localdate()
    for n, choice in enumerate(("full_fee", "vouchers", "full_fee")):
        claim = ClaimFactory(
            project=project, status="approved", payment_choice=choice, decided_at=timezone.now()
        )
        if n == 0:
            give_bank_details(claim.contributor)
        ClaimFactory(project=project, submitted=True)
    rows = paying._FIRST_PAGE.rows(today=today)
    assert rows == list(paying._listed(today=today)[:25])
    routes = {(row[-2], row[-1]) for row in rows}
    assert routes == {(False, True), (True, False), (False, False)}, routes
    for values in ({}, {"projects": (project.pk,)}, {"projects": (project.pk, project.pk + 1)}):
        assert approvals._FIRST_PAGE.rows(**values) == list(approvals._first_page(**values))
    assert len(approvals._FIRST_PAGE.rows()) == 3


def test_the_queues_projects_are_the_projects_each_person_manages(
    cara, fatima, morgan, other_coordinator, project
):
    from payments.views import approvals
    from portal.models import Project
    from tests.factories import ProjectFactory

    ProjectFactory(lead=other_coordinator, title="Another")
    ProjectFactory(title="Nobody's")
    project.coordinators.add(other_coordinator)
    for person in (cara, fatima, morgan, other_coordinator):
        expected = dict(Project.objects.managed_by(person).values_list("pk", "title"))
        assert approvals._managed_projects(person) == expected
        assert list(approvals._managed_projects(person)) == list(expected), person  # in the same order
    assert len(approvals._managed_projects(other_coordinator)) == 2


def test_constants_written_in_mean_what_they_meant_to_the_orm(cara, olu, fatima):
    """A constant written into the prepared statement (text with quotes, LIKE patterns with an
    escaped %, a boolean, a JSON list's index) means what it meant to the ORM: the same rows;
    only the values are the statement's parameters."""
    from django.db import connection
    from django.db.models import Q, Value

    from contributors.models import Contributor

    ContributorFactory(user=cara, skills="O'Brien's 100% method", access_needs=[])
    ContributorFactory(user=olu, skills="other", access_needs=["bsl"])

    def build(*, person):
        return (
            Contributor.objects.filter(
                Q(user=person) | Q(registered_by=person) | Q(user__name__startswith="!%"),
                Q(skills__contains="O'Brien's 100%") | Q(access_needs__0__isnull=False),
            )
            .annotate(shown=Value(True))
            .order_by("pk")
            .values_list("user", "shown")
        )

    compiled = Compiled(build)
    for person in (cara, olu, fatima, cara):
        assert compiled.rows(person=person.pk) == list(build(person=person.pk)), person
    assert compiled.rows(person=cara.pk) == [(cara.pk, True)]
    assert compiled.rows(person=olu.pk) == [(olu.pk, True)]
    assert compiled.rows(person=fatima.pk) == []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT parameter_types::text[], statement FROM pg_prepared_statements"
                " WHERE strpos(statement, %s) > 0",
                ["O''Brien''s"],
            )
            ((types, statement),) = cursor.fetchall()
        assert types == ["integer", "integer"]
        assert all(literal in statement for literal in ("true AS", "-> 0)", "'%O''Brien''s 100"))


def test_an_activity_is_found_by_its_public_id_in_each_persons_scope_as_the_orm_finds_it(
    cara, olu, fatima, other_coordinator, morgan, project
):
    """The activity page's lookup (portal.views._get_activity: portal.people.compiled_for,
    compiled once a process for each set of roles and run with the person's key): the same
    activity, project and coordinator as the ORM's, loaded with it, for everyone whose scope
    holds it, and nothing for anyone else, whoever asked first."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.models import Activity, Project
    from portal.people import compiled_for
    from portal.views import _visible_activity
    from tests.factories import UserFactory

    helper = UserFactory(name="Hana Helper", coordinator=True)
    project.coordinators.add(helper)
    both = UserFactory(name="Bea Both", coordinator=True, contributor=True)
    theirs = ActivityFactory(project=ProjectFactory(lead=other_coordinator), title="Not Fatima's")
    ParticipationFactory(activity=theirs, contributor=both)
    ours = ActivityFactory(project=project, title="Ours", description="<b>kept</b>")
    ParticipationFactory(activity=ours, contributor=cara)
    people = [morgan, olu, fatima, cara, other_coordinator, helper, both]
    for order in (people, people[::-1]):
        for person in order:
            for activity in (ours, theirs):
                orm = list(Activity.objects.visible_to(person).filter(public_id=activity.public_id))
                found = compiled_for(person, "activity", _visible_activity).rows(
                    person=person.pk, public_id=activity.public_id
                )
                assert [a.pk for a in found] == [a.pk for a in orm], (person, activity)
                for a in found:
                    with CaptureQueriesContext(connection) as queries:
                        seen = (a.title, a.description, a.starts_at, a.project.title, a.coordinator.name)
                    assert len(queries) == 0
                    assert isinstance(a.project, Project)
                    assert seen == (
                        activity.title,
                        activity.description,
                        activity.starts_at,
                        activity.project.title,
                        activity.coordinator.name,
                    )
    assert [
        bool(compiled_for(p, "activity", _visible_activity).rows(person=p.pk, public_id=theirs.public_id))
        for p in (morgan, olu, fatima, cara, other_coordinator, helper, both)
    ] == [True, False, False, False, True, False, True]
