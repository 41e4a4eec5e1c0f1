"""Retention: pseudonymise the participants who have not been seen for years.

Who is inactive, for `inactive_years` = N: no attendance in the current fiscal year (Asia/Tokyo)
nor in the N-1 before it, no booking made or held in that period, and not registered in it
(someone who signed up last week and has not come yet is not inactive), and not held by another
app (`core.retention`: an outreach case still open, or active in the period).

What changes, and why:
- nickname becomes "匿名-<reference>"; contact email and birth year are cleared (no report
  uses the birth year; it only served the guardian-consent rule, which no longer applies);
  the calendar feed token is regenerated so an old subscription URL stops working.
- The account: a student account (not staff, not superuser, in no group) is deleted with its
  e-mail addresses; the profile is detached first. Any other account (a staff member who was
  also a participant) is only detached: it is their work account. Should the database refuse
  the deletion, the account is scrubbed instead (username "anonymised-<id>", no e-mail or
  name, unusable password, inactive).
- Kept: the reference, the school, the guardian-consent date, every attendance, booking and
  outcome. Every report groups by these, so every figure of every year stays the same.
- Wagtail's audit log gets one "anonymised" entry per participant, without personal data; the
  titles of the earlier entries about this participant (and their account), which Wagtail
  stores as the object's name at the time, are replaced by the pseudonym.
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, F, OuterRef, ProtectedError, Q, Value
from django.db.models.deletion import RestrictedError
from django.db.models.functions import Concat, Replace
from django_tasks_db.models import DBTaskResult
from wagtail.models import ModelLogEntry

from attendance.models import Attendance
from booking.models import Booking, Participant, new_token
from core import audit
from core.retention import held_participants
from core.time import fiscal_year_of, local_date, start_of_day

PSEUDONYM_PREFIX = "匿名-"
ANONYMISE_ACTION = "booking.participant.anonymise"


def pseudonym(participant: Participant) -> str:
    return f"{PSEUDONYM_PREFIX}{participant.reference}"


def inactive_participants(*, inactive_years: int, now: dt.datetime):
    """Participants to anonymise (already anonymised ones excluded)."""
    if inactive_years < 1:
        raise ValueError("inactive_years must be at least 1")
    first_year = fiscal_year_of(local_date(now)) - inactive_years + 1
    since = start_of_day(dt.date(first_year, 4, 1))
    recent_attendance = Attendance.objects.filter(
        participant=OuterRef("pk"), fiscal_year__gte=first_year
    )
    recent_booking = Booking.objects.filter(participant=OuterRef("pk")).filter(
        Q(created_at__gte=since) | Q(slot__start__gte=since)
    )
    already = Q(
        nickname=Concat(Value(PSEUDONYM_PREFIX), F("reference")),
        user__isnull=True,
        contact_email="",
        birth_year__isnull=True,
    )
    candidates = (
        Participant.objects.filter(created_at__lt=since)
        .exclude(Exists(recent_attendance))
        .exclude(Exists(recent_booking))
        .exclude(already)
    )
    held = held_participants(since)
    if held is not None:
        candidates = candidates.exclude(held)
    return candidates.order_by("pk")


def anonymise_inactive(*, inactive_years: int, now: dt.datetime, dry_run: bool = False) -> int:
    """Pseudonymise every inactive participant; returns how many (or would be, on a dry run)."""
    candidates = inactive_participants(inactive_years=inactive_years, now=now)
    if dry_run:
        return candidates.count()
    count = 0
    with transaction.atomic():
        for participant in candidates.select_for_update(of=("self",)).select_related("user"):
            anonymise(participant, inactive_years=inactive_years, now=now)
            count += 1
    return count


def anonymise(participant: Participant, *, inactive_years: int, now: dt.datetime) -> None:
    """Replace one participant's personal fields by a pseudonym. Call inside a transaction."""
    user = participant.user
    addresses = _addresses_of(participant, user)
    participant.nickname = pseudonym(participant)
    participant.contact_email = ""
    participant.birth_year = None
    participant.user = None
    participant.feed_token = new_token()
    participant.save(
        update_fields=["nickname", "contact_email", "birth_year", "user", "feed_token"]
    )
    if user is not None:
        _end_sessions(user.pk, now=now)
        _retire_account(user)
    _scrub_outbox(addresses)

    label = str(participant)
    ModelLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Participant), object_id=str(participant.pk)
    ).update(label=label)
    audit.log_action(
        participant,
        ANONYMISE_ACTION,
        by=None,  # the retention rule, run by a command
        now=now,
        title=label,
        data={"inactive_years": inactive_years},
    )


def _is_student_account(user) -> bool:
    return not (user.is_staff or user.is_superuser or user.groups.exists())


def _retire_account(user) -> None:
    if not _is_student_account(user):
        return  # a staff member's work account: detached from the profile, nothing else
    User = get_user_model()
    user_type = ContentType.objects.get_for_model(User)
    scrubbed = f"anonymised-{user.pk}"
    ModelLogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).update(
        label=scrubbed
    )
    try:
        with transaction.atomic():
            user.delete()
        return
    except (ProtectedError, RestrictedError):
        pass
    setattr(user, User.USERNAME_FIELD, scrubbed)
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.emailaddress_set.all().delete()


def _addresses_of(participant: Participant, user) -> set[str]:
    addresses = {participant.contact_email}
    if user is not None:
        addresses.add(user.email)
        addresses.update(user.emailaddress_set.values_list("email", flat=True))
    return {address for address in addresses if address}


def _scrub_outbox(addresses: set[str]) -> None:
    """A mail the server refused keeps its error in the outbox, and SMTP errors name the
    recipient: replace the person's addresses in every stored error text."""
    for address in addresses:
        DBTaskResult.objects.filter(traceback__contains=address).update(
            traceback=Replace("traceback", Value(address), Value("[anonymised]"))
        )


def _end_sessions(user_pk: int, *, now: dt.datetime) -> None:
    """Log the person out everywhere. Sessions are not indexed by user, so the live ones are
    decoded and matched; this runs once a year, over the sessions of the last few weeks."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return  # signed cookies or a cache-only engine: nothing stored to end here
    for session in store.get_model_class().objects.filter(expire_date__gt=now).iterator():
        if str(session.get_decoded().get(SESSION_KEY)) == str(user_pk):
            store(session_key=session.session_key).delete()
