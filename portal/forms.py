from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from . import dashboard
from .models import Activity, ActivityKind, ActivityMode, Project, ProjectStage, ProjectStatus, Role, User
from .people import natural_key, people_visible_to, search_people

EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def select_options(choices, chosen) -> SafeString:
    """The <option>s of a select as Django's Select widget writes them, for
    templates/partials/select_field.html: `chosen` is the values selected (as the widget's
    `format_value` gives them). Django renders each option through a template of its own, which
    was a fifth of the approval queue's time (issue 12)."""
    chosen = {str(value) for value in chosen}
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, mark_safe(" selected") if str(value) in chosen else "", label) for value, label in choices),
    )


def sane_date(value) -> None:
    """Every date anyone types is between 1900 and 2100: year 1 or 9999 would be stored, then
    break every page that does date arithmetic on it (a tax year before year 1 does not exist)."""
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}")


SANE_DATE = [sane_date]


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing numbers no database integer holds with the usual "not one of the
    choices" error: Django lets them through to the query, where SQLite raises OverflowError."""

    def _check_values(self, value):
        for pk in value or ():
            if str(pk).lstrip("-").isdigit() and abs(int(pk)) > 2**63 - 1:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)


def _people(role: str):
    return User.objects.with_role(role).order_by("name")


class ProjectForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In plain words: what the research is and why it matters.",
    )
    lead = forms.ModelChoiceField(queryset=_people(Role.COORDINATOR), label="Lead coordinator")
    coordinators = ModelMultipleChoiceField(
        queryset=_people(Role.COORDINATOR),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Other coordinators",
    )
    stage = forms.ChoiceField(choices=ProjectStage.choices, label="Research stage")
    status = forms.ChoiceField(choices=ProjectStatus.choices)
    involvement_budget = forms.DecimalField(
        label="Involvement budget (£)",
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text="Money set aside for paying public contributors.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Querysets are evaluated per form so that new coordinators appear at once.
        self.fields["lead"].queryset = _people(Role.COORDINATOR)
        self.fields["coordinators"].queryset = _people(Role.COORDINATOR)

    @classmethod
    def initial_for(cls, project: Project) -> dict:
        return {
            "title": project.title,
            "summary": project.summary,
            "lead": project.lead,
            "coordinators": list(project.coordinators.all()),
            "stage": project.stage,
            "status": project.status,
            "involvement_budget": project.involvement_budget,
        }


class ActivityForm(forms.Form):
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=ActivityKind.choices, label="What kind of activity")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    starts_at = forms.DateTimeField(
        validators=SANE_DATE,
        label="Date and time",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="For example, 14/03/2027 10:00.",
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"],
    )
    expected_hours = forms.DecimalField(
        min_value=0, max_digits=5, decimal_places=2, help_text="Including agreed preparation time."
    )
    mode = forms.ChoiceField(
        choices=ActivityMode.choices, label="Online or in person", widget=forms.RadioSelect
    )
    location = forms.CharField(
        max_length=300,
        required=False,
        help_text="An address for in-person activities; a joining note for online ones.",
    )
    coordinator = forms.ModelChoiceField(
        queryset=_people(Role.COORDINATOR),
        help_text="Who runs it and owes feedback to the people who take part.",
    )
    # A select of the rates on the card in force, checked again against the card in force on
    # the activity's own date: a typed code with a typo once gave a claim with no fee.
    rate_code = forms.CharField(
        max_length=50,
        required=False,
        label="Fee rate",
        help_text="The rate on the rate card that prices this activity. Leave empty if it is unpaid.",
        widget=forms.Select,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = _people(Role.COORDINATOR)
        starts = self.initial.get("starts_at")
        try:
            on = forms.DateTimeField(input_formats=["%Y-%m-%dT%H:%M"]).clean(starts).date()
        except forms.ValidationError:
            on = timezone.localdate()
        choices = [("", "No fee (unpaid)"), *dashboard.rate_code_choices(on)]
        current = self.initial.get("rate_code")
        if current and current not in dict(choices):
            choices.append((current, f"{current} (not on the card in force)"))
        self.fields["rate_code"].widget.choices = choices

    def clean(self):
        data = super().clean()
        if data.get("mode") == ActivityMode.IN_PERSON and not data.get("location"):
            self.add_error("location", "Enter the address for an in-person activity")
        code, starts = data.get("rate_code"), data.get("starts_at")
        if code and starts:
            on = timezone.localtime(starts).date()
            if code not in dict(dashboard.rate_code_choices(on)):
                self.add_error(
                    "rate_code",
                    f"Choose a rate from the rate card in force on {on:%-d %B %Y}",
                )
        return data

    @classmethod
    def initial_for(cls, activity: Activity) -> dict:
        return {
            "title": activity.title,
            "kind": activity.kind,
            "description": activity.description,
            "starts_at": timezone.localtime(activity.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "expected_hours": activity.expected_hours,
            "mode": activity.mode,
            "location": activity.location,
            "coordinator": activity.coordinator,
            "rate_code": activity.rate_code,
        }


class _NaturalOrder(ModelChoiceIterator):
    """Options in natural order of what they show ("member 2" before "member 10")."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.queryset.query.is_empty():
            # A picker before its search (limit_picker's none()): Django would still build and
            # compile the query to find it empty, 600 calls on every activity page.
            return
        label = self.field.label_from_instance
        for obj in sorted(self.queryset, key=lambda o: natural_key(label(o))):
            yield self.choice(obj)


class PersonChoiceField(forms.ModelChoiceField):
    """Pick a person: each shown with the hint that tells namesakes apart, in natural order."""

    iterator = _NaturalOrder

    def label_from_instance(self, obj):
        return obj.name_with_hint


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    iterator = _NaturalOrder

    def label_from_instance(self, obj):
        return obj.name_with_hint


PICKER_CAP = 20  # options a people picker shows at most
PICKER_SEARCH_FROM = 15  # more people than this and the picker starts as a search


def more_than_picker(people) -> bool:
    """Whether a picker over `people` starts as a search: more than PICKER_SEARCH_FROM of them.
    Counts no further than that, in no order (a count of the whole scope grew with it)."""
    return people.order_by()[: PICKER_SEARCH_FROM + 1].count() > PICKER_SEARCH_FROM


def limit_picker(form, name: str, people, find: str, *, many: bool | None = None) -> None:
    """Narrow a people picker for display (call it after validation, never before): with
    more than 15 people to choose from it offers only what a search found, at most 20, or
    before a search only the person already chosen; never a select of everyone. `people` is
    everyone who may be chosen, or a function giving them (asked only if the page needs
    them); `many` is `more_than_picker(people)` if the caller already knows it. Sets
    `searchable` and `found` on the field for partials/person_search.html."""
    field = form.fields[name]
    scope = people if callable(people) else lambda: people
    if many is None:
        many = more_than_picker(scope())
    field.searchable = bool(find) or many
    if find or not field.searchable:
        matched = search_people(scope(), find)
        field.found = matched.count() if find else None
        field.queryset = matched.order_by("name", "pk")[:PICKER_CAP]
        return
    field.found = None
    try:
        chosen = int(form.data.get(form.add_prefix(name), "")) if form.is_bound else None
    except ValueError:
        chosen = None
    field.queryset = scope().filter(pk=chosen) if chosen else field.queryset.none()
    field.help_text = "Find the person first: search above by name or email."


class AddParticipantForm(forms.Form):
    contributor = PersonChoiceField(queryset=_people(Role.CONTRIBUTOR), label="Contributor")

    def __init__(self, *args, activity=None, user=None, find="", **kwargs):
        super().__init__(*args, **kwargs)
        self._activity, self._user = activity, user
        if self.is_bound or find:  # validation chooses from everyone in scope
            self.fields["contributor"].queryset = search_people(self.people, find)

    @cached_property
    def people(self):
        """Only people the coordinator may already reach; anyone else comes through an
        opportunity or the directory's opt-in (both of which make them reachable). Worked
        out when asked: the page before a search shows no one."""
        people = _people(Role.CONTRIBUTOR)
        if self._user is not None:
            people = people.filter(pk__in=people_visible_to(self._user).values("pk"))
        if self._activity is not None:
            people = people.exclude(participations__activity=self._activity)
        return people


class ParticipationStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[])

    def __init__(self, *args, **kwargs):
        from .models import ParticipationStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = ParticipationStatus.choices
