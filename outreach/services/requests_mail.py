"""Mail to people who asked to be answered by e-mail: a confirmation with the link to their
private page ("received"), then each staff reply ("reply"). Nothing else of the centre's
records ever goes into a mail: no case, no note, no staff name.

The same outbox as participants' mail (`booking.services.notifications`): a task on the `mail`
backend, queued in the change's own transaction in production (a database outbox sent by
`manage.py db_worker --backend mail`) and run in-process after the commit elsewhere. Each mail
has a key (`mail_key`) that the task claims in the `RequestMail` ledger before it talks to the
server, and marks sent as soon as the server accepted the message: a task run twice (a retry,
a worker requeued after a lease) sends one mail, here and in tests alike. The remaining window
is the one booking mail has, and the same `Message-ID` lets a receiving system drop such a
duplicate. A mail the server refused releases its claim and fails the task, which keeps the
error; the reply stays "not mailed yet" in the staff inbox.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from django_tasks_db import DatabaseBackend

from booking.services.notifications import MailInFlight, _deliver, key_headers

from ..models import ConsultationRequest, RequestMessage
from ..models.requests import RequestMail
from .request_links import mailable_token

logger = logging.getLogger(__name__)

SUBJECTS = {
    "received": _("We received your message"),
    "reply": _("A reply from the centre"),
}


def _outbox() -> bool:
    return isinstance(request_mail.get_backend(), DatabaseBackend)


def queue_mail(request: ConsultationRequest, event: str, *, message_id: int | None = None):
    """Send `event`'s mail to the writer of `request` once the surrounding transaction
    commits (in production: an outbox row written in that transaction)."""
    if _outbox():
        request_mail.enqueue(request.pk, event, message_id)
    else:
        transaction.on_commit(lambda: request_mail.enqueue(request.pk, event, message_id))


@task(backend="mail")
def request_mail(request_id: int, event: str, message_id: int | None = None) -> bool:
    """The outbox task: True when the server accepted the mail, False when there was nothing
    (left) to send. A refused mail fails the task."""
    return send_request_mail(request_id, event, message_id)


def mail_key(request_id: int, event: str, message_id: int | None = None) -> str:
    return f"request-{request_id}-{event}" + (f"-{message_id}" if message_id else "")


def send_request_mail(request_id: int, event: str, message_id: int | None = None) -> bool:
    request = ConsultationRequest.objects.filter(pk=request_id).first()
    if request is None or not request.email or request.anonymised_at:
        return False
    message = None
    if event == "reply":
        message = RequestMessage.objects.filter(
            pk=message_id, request=request, author=RequestMessage.Author.STAFF
        ).first()
        if message is None or message.mailed_at:
            return False
    site_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    token = mailable_token(request)
    context = {
        "event": event,
        "message": message,
        "page_url": site_url + reverse("soudan_page", args=[token]) if token else "",
        "form_url": site_url + reverse("soudan"),
        "phone": getattr(settings, "OUTREACH_CENTRE_PHONE", ""),
    }
    # Japanese for everyone; a writer who used the English site gets the English text first.
    languages = ["en", "ja"] if request.language == "en" else ["ja"]
    parts = []
    for language in languages:
        with translation.override(language):
            parts.append(render_to_string("outreach/email/request.txt", context).strip())
    with translation.override(languages[0]):
        subject = str(SUBJECTS[event])
    key = mail_key(request_id, event, message_id)
    mail = EmailMessage(
        settings.EMAIL_SUBJECT_PREFIX + subject,
        "\n\n----------\n\n".join(parts) + "\n",
        settings.DEFAULT_FROM_EMAIL,
        [request.email],
        headers=key_headers(key),
    )
    claimed_at = timezone.now()
    if not _claim(request, key, now=claimed_at):
        logger.info("%s was sent already", key)
        return False

    def accepted():
        sent_at = timezone.now()
        RequestMail.objects.filter(key=key, claimed_at=claimed_at).update(sent_at=sent_at)
        if message is not None:
            RequestMessage.objects.filter(pk=message.pk).update(mailed_at=sent_at)

    try:
        _deliver(mail, on_accepted=accepted)
    except Exception:
        logger.exception("Could not send %s", key)
        RequestMail.objects.filter(key=key, claimed_at=claimed_at, sent_at__isnull=True).delete()
        raise
    return True


def _claim(request: ConsultationRequest, key: str, *, now: dt.datetime) -> bool:
    """Take `key` for this run; False when it was sent already. A claim younger than the lease
    may belong to a run still sending: MailInFlight fails this one, to be tried again later."""
    row, created = RequestMail.objects.get_or_create(
        key=key, defaults={"request": request, "claimed_at": now}
    )
    if created:
        return True
    if row.sent_at is not None:
        return False
    lease = dt.timedelta(seconds=settings.MAIL_LEASE_SECONDS)
    taken = RequestMail.objects.filter(
        pk=row.pk, sent_at__isnull=True, claimed_at__lte=now - lease
    ).update(claimed_at=now)
    if not taken:
        raise MailInFlight(f"{key} is being sent by another run since {row.claimed_at}")
    return True
