"""Erasure leaves nothing behind that names or contacts the person: after it, a dump of the whole
database, the private files and the stored email hold neither their name, email, phone nor
postcode. Payments stay, anonymised."""

import io
from decimal import Decimal

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from contributors import services
from contributors.models import Contributor, ErasureRequest
from feedback.models import FeedbackOwed
from impact.models import Certificate, CubeCheckIn
from payments import services as payment_services
from payments.models import Claim, ClaimEvent
from portal.services import record_audit
from tests.factories import ClaimFactory, FeedbackOwedFactory, ImpactEntryFactory, ParticipationFactory

NAME, EMAIL, PHONE, POSTCODE = "Cara Bennett", "cara@example.org", "07700 900461", "LS6 2AB"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _leave_traces_everywhere(cara, fatima, project):
    Contributor.objects.get_or_create(user=cara)
    Contributor.objects.filter(user=cara).update(
        phone=PHONE, postcode=POSTCODE, address="12 Hyde Park Road\nLeeds"
    )
    record_audit(actor=fatima, action="person.viewed", target=cara, note=f"Rang {PHONE}")
    participation = ParticipationFactory(contributor=cara, activity__project=project, status="attended")
    owed = FeedbackOwedFactory(participation=participation)
    FeedbackOwed.objects.filter(pk=owed.pk).update(
        reply=f"Thanks, I'm at {POSTCODE} now", personal_note=f"Dear {NAME}, thank you"
    )
    Certificate.objects.create(
        contributor=cara, project=project, issued_by=fatima, details={"name": NAME, "hours": "3"}
    )
    CubeCheckIn.objects.create(
        project=project,
        contributor=cara,
        voice=5,
        contribute=5,
        agenda=5,
        change=5,
        comments=f"Ring me on {PHONE}",
    )
    claim = ClaimFactory(
        participation=ParticipationFactory(contributor=cara, activity__project=project, attended=True)
    )
    payment_services.add_expense_line(
        actor=cara,
        claim=claim,
        kind="taxi",
        amount=Decimal("15"),
        description=f"Taxi from {POSTCODE}",
        receipt=SimpleUploadedFile("cara-bennett-taxi.png", PNG),
    )
    ClaimEvent.objects.create(
        claim=claim, actor=fatima, to_status="draft", note=f"Spoke to {NAME} on {PHONE}"
    )
    ImpactEntryFactory(
        project=project, created_by=fatima, what_changed=f"{NAME} ({EMAIL}) rewrote the leaflet."
    )
    mail.send_mail("Your activity", f"Dear {NAME}, see you at {POSTCODE}.", "us@example.org", [EMAIL])
    return services.request_erasure(user=cara, reason=f"Please delete {NAME}, {EMAIL}, {PHONE}")


def test_after_erasure_no_trace_of_the_person_is_left(
    cara, fatima, morgan, project, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    erasure = _leave_traces_everywhere(cara, fatima, project)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_erasure(actor=morgan, request=erasure, confirm=True, note=f"Done, {NAME}")

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    private = []
    for path in settings.MEDIA_ROOT.rglob("*"):
        private.append(str(path))
        if path.is_file():
            private.append(path.read_bytes().decode("utf-8", "replace"))
    stored_mail = [p.read_text(errors="replace") for p in (tmp_path / "mail").glob("*")]
    haystacks = {
        "database": dump.getvalue(),
        "private files": "\n".join(private),
        "mail": "\n".join(stored_mail),
    }
    for where, text in haystacks.items():
        for needle in (NAME, EMAIL, PHONE, POSTCODE, "cara-bennett"):
            assert needle.lower() not in text.lower(), f"{needle!r} is still in the {where}"

    # What the law needs stays: the claim and its money, now for "Erased contributor".
    claim = Claim.objects.get(contributor=cara)
    assert claim.expense_lines.get().amount == Decimal("15.00")
    assert str(claim.contributor) == "Erased contributor"
    assert CubeCheckIn.objects.get(contributor=cara).voice == 5
    assert ErasureRequest.objects.get(pk=erasure.pk).status == "done"


def test_evidence_files_that_may_name_the_person_are_left_for_the_manager_to_check(
    client, cara, olu, fatima, morgan, project, django_capture_on_commit_callbacks
):
    """The portal blanks text, but cannot read a file someone uploaded. The evidence files of
    entries naming the person, or about an activity they took part in, are listed on the
    decided request for the manager to check by hand; others' are not, nor entries without a
    file. The list names no one (an entry's title may hold the person's name)."""
    from django.urls import reverse

    from tests.mfa import pass_mfa

    def evidence(**kwargs):
        entry = ImpactEntryFactory(project=project, created_by=fatima, title=f"What {NAME} changed", **kwargs)
        entry.evidence_file.save("minutes.png", SimpleUploadedFile("minutes.png", PNG))
        return entry

    took_part = ParticipationFactory(contributor=cara, activity__project=project, status="attended")
    named = evidence()
    named.people.create(contributor=cara)
    about = evidence()
    about.activities.add(took_part.activity)
    olus = evidence()
    olus.people.create(contributor=olu)
    ImpactEntryFactory(project=project, created_by=fatima).people.create(contributor=cara)  # no file
    erasure = services.request_erasure(user=cara)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_erasure(actor=morgan, request=erasure, confirm=True)
    erasure.refresh_from_db()
    urls = [reverse("impact:entry_detail", args=[e.public_id]) for e in (named, about)]
    assert sorted(item["url"] for item in erasure.to_check) == sorted(urls)
    assert not [item for item in erasure.to_check if NAME in item["label"] or "Cara" in item["label"]]
    client.force_login(morgan)
    pass_mfa(client, morgan)
    page = client.get(reverse("contributors:erasure_list")).content.decode()
    assert "Check by hand" in page
    assert all(f'href="{url}"' in page for url in urls)
    assert reverse("impact:entry_detail", args=[olus.public_id]) not in page
