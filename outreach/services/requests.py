"""Consultation requests: a young person, a guardian or a teacher writes without an account
(`submit_request`), or staff write down one that came by phone, a visit or a social-media
message (`record_request`); staff answer (`reply`), set the status, take or assign it, and
turn it into a participant and a case (`open_case_from_request`). The writer reads the thread
and answers on a private page whose secret only they hold (`follow_up`, `close_page`).

Every rule takes `now` from its caller and writes its audit entry in its own transaction; mail
to a writer who chose e-mail leaves through the outbox after the commit
(`outreach.services.requests_mail`). What the audit detail says never includes the message, the
writer's name or their contact.

The private page's link is made and read by `outreach.services.request_links`.
"""

import datetime as dt

from django.db import transaction

from core.audit import log_action

from .. import access, audit
from ..models import Case, ConsultationRequest, RequestMessage
from .cases import may_be_assigned, open_case_for_new_participant
from .codes import create_with_code
from .errors import OutreachError
from .request_links import issue_link
from .requests_mail import queue_mail

Status = ConsultationRequest.Status

REQUEST_PREFIX = "R-"
# How many requests one client may send through the form in SUBMIT_WINDOW; more than that is
# a script or someone in distress who is better helped by a phone call (the refusal page shows
# the number). Counted in the database by `client_key`, never by address.
SUBMIT_LIMIT = 5
SUBMIT_WINDOW = dt.timedelta(hours=1)
# How many follow-ups a private page takes in FOLLOW_UP_WINDOW.
FOLLOW_UP_LIMIT = 10
FOLLOW_UP_WINDOW = dt.timedelta(hours=1)


# ---------------------------------------------------------------------------------------------
# The writer's side


def over_limit(client_key: str, *, now: dt.datetime) -> bool:
    """Has this client sent SUBMIT_LIMIT requests in the last SUBMIT_WINDOW? Read-only; the
    form asks before showing itself, `submit_request` again before storing."""
    if not client_key:
        return False
    recent = ConsultationRequest.objects.filter(
        client_key=client_key,
        channel=ConsultationRequest.Channel.FORM,
        received_at__gt=now - SUBMIT_WINDOW,
    )
    return recent.count() >= SUBMIT_LIMIT


def submit_request(
    *,
    writer: str,
    body: str,
    reply_by: str,
    topics: list[str] | tuple = (),
    name: str = "",
    anonymous: bool = False,
    email: str = "",
    phone: str = "",
    source: str = "",
    language: str = "ja",
    client_key: str = "",
    now: dt.datetime,
) -> tuple[ConsultationRequest, str]:
    """Store a request sent through the form. Returns it with its private page's token ("" for
    a writer who asked to be phoned: there is no page). Only what the reply needs is kept: an
    anonymous writer's name is dropped, and so is the contact the chosen way does not use.
    Raises OutreachError("too_many_requests") past SUBMIT_LIMIT for this client. The limit is
    a count, not a lock: two requests at the same instant may both pass, which is harmless."""
    if over_limit(client_key, now=now):
        raise OutreachError("too_many_requests")
    ReplyBy = ConsultationRequest.ReplyBy
    with transaction.atomic():
        request = create_with_code(
            ConsultationRequest,
            REQUEST_PREFIX,
            received_at=now,
            writer=writer,
            topics=list(topics),
            body=body,
            anonymous=anonymous,
            name="" if anonymous else name,
            reply_by=reply_by,
            email=email if reply_by == ReplyBy.EMAIL else "",
            phone=phone if reply_by == ReplyBy.PHONE else "",
            source=source,
            language=language,
            client_key=client_key,
            channel=ConsultationRequest.Channel.FORM,
        )
        token = issue_link(request)
        # The client key only serves the limit: once a request is past the window, it says
        # nothing anyone needs, so it is emptied (at each new request, for all of them).
        ConsultationRequest.objects.filter(received_at__lte=now - SUBMIT_WINDOW).exclude(
            client_key=""
        ).update(client_key="")
        log_action(request, "wagtail.create", by=None, now=now, detail=request.channel)
        if reply_by == ReplyBy.EMAIL:
            queue_mail(request, "received")
    return request, token


def thread(request: ConsultationRequest) -> list[RequestMessage]:
    """The messages after the first one (the request's own `body`), oldest first."""
    return list(request.messages.order_by("sent_at", "pk"))


def follow_up(request: ConsultationRequest, body: str, *, now: dt.datetime) -> RequestMessage:
    """The writer answers on their private page. A request that was closed opens again as
    ongoing (someone writing again needs an answer, and a closed request is out of the inbox's
    default view); a contacted one becomes ongoing; a new one stays new."""
    with transaction.atomic():
        request = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
        if not request.page_open:
            raise OutreachError("page_closed")
        recent = request.messages.filter(
            author=RequestMessage.Author.REQUESTER, sent_at__gt=now - FOLLOW_UP_WINDOW
        )
        if recent.count() >= FOLLOW_UP_LIMIT:
            raise OutreachError("too_many_follow_ups")
        message = RequestMessage.objects.create(
            request=request, author=RequestMessage.Author.REQUESTER, body=body, sent_at=now
        )
        if request.status in (Status.CLOSED, Status.CONTACTED):
            _change_status(request, Status.ONGOING, by=None, now=now)
        log_action(request, audit.CHANGE_REQUEST, by=None, now=now, detail="follow-up")
    return message


def close_page(request: ConsultationRequest, *, now: dt.datetime) -> ConsultationRequest:
    """The writer closes their own page: the link stops working at once."""
    return revoke_link(request, by=None, now=now)


# ---------------------------------------------------------------------------------------------
# Staff


def ensure_handles(request: ConsultationRequest, by) -> None:
    """`by` may read and answer this request (`access.requests_for`); a command (`by=None`)
    may. The views only show such requests; the rules check again."""
    if by is not None and not access.requests_for(by).filter(pk=request.pk).exists():
        raise OutreachError("request_not_yours")


def view_request(request: ConsultationRequest, *, by, now: dt.datetime) -> ConsultationRequest:
    """Staff are shown a request: the audit log says who looked, and when."""
    log_action(request, audit.VIEW_REQUEST, by=by, now=now)
    return request


def reply(request: ConsultationRequest, body: str, *, by, now: dt.datetime) -> RequestMessage:
    """A staff reply, shown on the writer's page as from the centre; mailed (once, after the
    commit) to a writer who chose e-mail. A new request becomes contacted."""
    ensure_handles(request, by)
    with transaction.atomic():
        request = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
        message = RequestMessage.objects.create(
            request=request, author=RequestMessage.Author.STAFF, staff=by, body=body, sent_at=now
        )
        if request.status == Status.NEW:
            _change_status(request, Status.CONTACTED, by=by, now=now)
        log_action(request, audit.REPLY_REQUEST, by=by, now=now)
        if request.reply_by == ConsultationRequest.ReplyBy.EMAIL and request.email:
            queue_mail(request, "reply", message_id=message.pk)
    return message


def set_status(
    request: ConsultationRequest, status: str, *, by, now: dt.datetime
) -> ConsultationRequest:
    ensure_handles(request, by)
    with transaction.atomic():
        request = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
        _change_status(request, status, by=by, now=now)
    return request


def _change_status(request, status: str, *, by, now: dt.datetime) -> None:
    """Call with `request` locked, inside the caller's transaction."""
    old = request.status
    if status == old:
        return
    request.status = status
    request.closed_at = now if status == Status.CLOSED else None
    request.save(update_fields=["status", "closed_at"])
    log_action(request, audit.CHANGE_REQUEST, by=by, now=now, detail=f"status: {old} → {status}")


def assign(request: ConsultationRequest, user, *, by, now: dt.datetime) -> ConsultationRequest:
    """Assign `request` to `user` (None: back to the shared inbox). A lead assigns anyone who
    keeps case records; other staff may only take an unassigned request for themselves, or
    give back their own."""
    ensure_handles(request, by)
    with transaction.atomic():
        request = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
        if not access.is_lead(by):
            taking = user == by and request.assigned_to_id is None
            giving_back = user is None and request.assigned_to_id == by.pk
            if not (taking or giving_back):
                raise OutreachError("request_not_yours")
        if user is not None and not may_be_assigned(user):
            raise OutreachError("cannot_work_cases", user=user.get_username())
        _set_assignee(request, user, by=by, now=now)
    return request


def _set_assignee(request: ConsultationRequest, user, *, by, now: dt.datetime) -> None:
    """Call with `request` locked, inside the caller's transaction."""
    if request.assigned_to_id == (user.pk if user else None):
        return
    request.assigned_to = user
    request.save(update_fields=["assigned_to"])
    detail = f"assigned: {user.get_username()}" if user else "unassigned"
    log_action(request, audit.CHANGE_REQUEST, by=by, now=now, detail=detail)


def revoke_link(request: ConsultationRequest, *, by, now: dt.datetime) -> ConsultationRequest:
    """Close the private page for good (`by` None: the writer did it). Idempotent."""
    if by is not None:
        ensure_handles(request, by)
    with transaction.atomic():
        request = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
        if not request.page_open:
            return request
        request.token_revoked_at = now
        request.save(update_fields=["token_revoked_at"])
        who = "writer" if by is None else "staff"
        log_action(request, audit.REVOKE_LINK, by=by, now=now, detail=f"by the {who}")
    return request


def record_request(
    *,
    channel: str,
    writer: str,
    body: str,
    reply_by: str,
    topics: list[str] | tuple = (),
    name: str = "",
    email: str = "",
    phone: str = "",
    source: str = "",
    language: str = "ja",
    by,
    now: dt.datetime,
) -> tuple[ConsultationRequest, str]:
    """Staff write down a request that came by phone, a visit, a social-media message or a
    school; it is assigned to them. Returns the request and, when the writer is to be answered
    on a private page, its token, to be passed on once (nobody can show it again)."""
    if channel == ConsultationRequest.Channel.FORM:
        raise ValueError("requests from the form are stored by submit_request")
    ReplyBy = ConsultationRequest.ReplyBy
    with transaction.atomic():
        request = create_with_code(
            ConsultationRequest,
            REQUEST_PREFIX,
            received_at=now,
            channel=channel,
            writer=writer,
            topics=list(topics),
            body=body,
            name=name,
            anonymous=not name,
            reply_by=reply_by,
            email=email if reply_by == ReplyBy.EMAIL else "",
            phone=phone if reply_by == ReplyBy.PHONE else "",
            source=source,
            language=language,
            assigned_to=by,
        )
        token = issue_link(request)
        log_action(request, "wagtail.create", by=by, now=now, detail=request.channel)
    return request, token


SNS_SOURCES = {
    ConsultationRequest.Source.INSTAGRAM,
    ConsultationRequest.Source.FACEBOOK,
    ConsultationRequest.Source.LINE,
}


def found_via_for(request: ConsultationRequest) -> str:
    """How the case's person was found: through social media when that is where the writer
    heard of us or wrote from, else through their own request."""
    if request.source in SNS_SOURCES or request.channel == ConsultationRequest.Channel.SNS:
        return Case.FoundVia.SNS
    return Case.FoundVia.REQUEST


def open_case_from_request(
    request: ConsultationRequest,
    *,
    nickname: str,
    school=None,
    birth_year: int | None = None,
    situation: str,
    consent_on: dt.date | None = None,
    found_via: str | None = None,
    by,
    now: dt.datetime,
) -> Case:
    """A request becomes a participant and a case (`cases.open_case_for_new_participant`: a
    fresh code, the first status row, assigned to `by`), linked to the request, which becomes
    ongoing (and `by`'s, if nobody had it). Only the nickname and the school go to the
    participant; the request keeps the rest."""
    ensure_handles(request, by)
    with transaction.atomic():
        request = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
        case = open_case_for_new_participant(
            nickname=nickname,
            school=school,
            birth_year=birth_year,
            found_via=found_via or found_via_for(request),
            situation=situation,
            consent_on=consent_on,
            by=by,
            now=now,
            request=request,
        )
        _change_status(request, Status.ONGOING, by=by, now=now)
        if request.assigned_to_id is None:
            _set_assignee(request, by, by=by, now=now)
    return case
