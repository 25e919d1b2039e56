from django import forms
from django.utils import timezone

from .models import Activity, ActivityKind, ActivityMode, Project, ProjectStage, ProjectStatus, Role, User
from .people import people_visible_to


def _people(role: str):
    return User.objects.with_role(role).order_by("name")


class ProjectForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In plain words: what the research is and why it matters.",
    )
    lead = forms.ModelChoiceField(queryset=_people(Role.COORDINATOR), label="Lead coordinator")
    coordinators = forms.ModelMultipleChoiceField(
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
    rate_code = forms.CharField(
        max_length=50,
        required=False,
        label="Rate code",
        help_text="The rate card row that prices this activity, for example meeting_hour.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = _people(Role.COORDINATOR)

    def clean(self):
        data = super().clean()
        if data.get("mode") == ActivityMode.IN_PERSON and not data.get("location"):
            self.add_error("location", "Enter the address for an in-person activity")
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


class AddParticipantForm(forms.Form):
    contributor = forms.ModelChoiceField(queryset=_people(Role.CONTRIBUTOR), label="Contributor")

    def __init__(self, *args, activity=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only people the coordinator may already reach; anyone else comes through an
        # opportunity or the directory's opt-in (both of which make them reachable).
        people = _people(Role.CONTRIBUTOR)
        if user is not None:
            people = people.filter(pk__in=people_visible_to(user).values("pk"))
        if activity is not None:
            people = people.exclude(participations__activity=activity)
        self.fields["contributor"].queryset = people


class ParticipationStatusForm(forms.Form):
    status = forms.ChoiceField(choices=[])

    def __init__(self, *args, **kwargs):
        from .models import ParticipationStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = ParticipationStatus.choices
