"""Creating participant profiles: students who sign up, and walk-ins registered by staff; and
reading one participant's record, which is audited."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Max
from django.db.models.functions import Cast, Substr

from core import audit

from ..models import Participant, new_token

REFERENCE_PREFIX = "P-"
# Two staff registering walk-ins at the same moment may compute the same next reference; the
# unique constraint on `reference` rejects the second, which then tries the following number.
MAX_ATTEMPTS = 20


def format_reference(number: int) -> str:
    return f"{REFERENCE_PREFIX}{number:04d}"


def next_reference() -> str:
    """The next free reference: P-0001, P-0002, ... (five digits and more after P-9999).

    References are compared as numbers, not as text, so P-10000 follows P-9999.
    """
    highest = (
        Participant.objects.filter(reference__regex=r"^P-[0-9]+$")
        .annotate(number=Cast(Substr("reference", len(REFERENCE_PREFIX) + 1), BigIntegerField()))
        .aggregate(highest=Max("number"))["highest"]
    )
    return format_reference((highest or 0) + 1)


def create_participant(
    *,
    nickname: str,
    school=None,
    birth_year: int | None = None,
    contact_email: str = "",
    user=None,
    language: str = "ja",
) -> Participant:
    """Create a participant with a unique reference (P-0001 ...). `user` is None for walk-ins."""
    last_error = None
    for _attempt in range(MAX_ATTEMPTS):
        try:
            with transaction.atomic():
                return Participant.objects.create(
                    reference=next_reference(),
                    nickname=nickname,
                    school=school,
                    birth_year=birth_year,
                    contact_email=contact_email or "",
                    user=user,
                    language=language,
                )
        except IntegrityError as exc:
            if user is not None and Participant.objects.filter(user=user).exists():
                raise
            last_error = exc
    raise last_error


def register_participant(*, by, now: dt.datetime, **fields) -> Participant:
    """Staff register someone (a walk-in, no account): `create_participant`, audited as a
    creation in the same transaction."""
    with transaction.atomic():
        participant = create_participant(**fields)
        audit.log_action(participant, "wagtail.create", by=by, now=now)
    return participant


def view_participant_record(participant: Participant, *, by, now: dt.datetime) -> Participant:
    """Someone (`by`) is shown a participant's personal record: the audit log says who looked,
    and when. Every page that shows the record calls this."""
    audit.log_action(participant, audit.VIEW_PARTICIPANT, by=by, now=now)
    return participant


def renew_feed_token(participant: Participant, *, by, now: dt.datetime) -> Participant:
    """A new private calendar address for `participant`; the old one stops working at once (a
    lost phone, an address shared by mistake). The student does it on My bookings, staff on
    request; either way it is audited."""
    participant.feed_token = new_token()
    participant.save(update_fields=["feed_token"])
    audit.log_action(participant, audit.RENEW_FEED, by=by, now=now)
    return participant
