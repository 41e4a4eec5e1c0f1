"""Consultation requests (ICT outreach): anyone may write, without an account, at their own
timing. We keep only what the writer chose to give."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.time import fiscal_year_of, local_date, month_key

BODY_MAX = 4000


def hash_token(token: str) -> str:
    """The private page's secret is stored hashed: a copy of the database does not open
    anyone's thread."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


class ConsultationRequest(models.Model):
    class Writer(models.TextChoices):
        YOUNG_PERSON = "self", _("The young person")
        GUARDIAN = "guardian", _("A guardian or family member")
        TEACHER = "teacher", _("A teacher or supporter")
        OTHER = "other", _("Someone else")

    class Topic(models.TextChoices):
        STUDY = "study", _("Studying")
        SCHOOL = "school", _("Going to school")
        FUTURE = "future", _("Exams, work and the future")
        FRIENDS = "friends", _("Friends and relationships")
        FAMILY = "family", _("Home and family")
        HEALTH = "health", _("Health and feelings")
        OTHER = "other", _("Something else")

    class ReplyBy(models.TextChoices):
        PAGE = "page", _("On a private page (no account needed)")
        EMAIL = "email", _("By e-mail")
        PHONE = "phone", _("By phone")

    class Source(models.TextChoices):
        """Where the writer heard of us: the report counts requests by source."""

        INSTAGRAM = "instagram", _("Instagram")
        FACEBOOK = "facebook", _("Facebook")
        LINE = "line", _("LINE")
        SCHOOL = "school", _("School")
        FRIEND = "friend", _("A friend or family member")
        WEB = "web", _("This website")
        OTHER = "other", _("Other")
        UNKNOWN = "", _("Not said")

    class Channel(models.TextChoices):
        """How the request reached the centre: the form, or written down by staff."""

        FORM = "form", _("Web form")
        PHONE = "phone", _("Phone")
        VISIT = "visit", _("Visit")
        SNS = "sns", _("Social media message")
        SCHOOL = "school", _("Through a school")

    class Status(models.TextChoices):
        # Not the plain "New", which Wagtail's add screens use (新規作成: ...).
        NEW = "new", pgettext_lazy("consultation request", "New")
        CONTACTED = "contacted", _("Contacted")
        ONGOING = "ongoing", _("Ongoing")
        # Not the plain "Closed", which the site translates as a suspended slot (休止).
        CLOSED = "closed", pgettext_lazy("consultation request", "Closed")

    code = models.CharField(_("code"), max_length=20, unique=True)
    received_at = models.DateTimeField(_("received"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), editable=False)
    month = models.PositiveIntegerField(_("month"), editable=False, help_text="YYYYMM")
    writer = models.CharField(_("who is writing"), max_length=10, choices=Writer.choices)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    body = models.TextField(_("message"), max_length=BODY_MAX)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    name = models.CharField(_("name or nickname"), max_length=40, blank=True)
    reply_by = models.CharField(_("how to answer"), max_length=8, choices=ReplyBy.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    source = models.CharField(
        _("heard of us through"), max_length=10, choices=Source.choices, blank=True
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.FORM
    )
    # The site's language when the request was written: mail to the writer speaks it.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="ja"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    token_revoked_at = models.DateTimeField(null=True, blank=True)
    # A keyed hash of the client address, for the per-client limit; never the address itself.
    client_key = models.CharField(max_length=64, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("consultation request")
        verbose_name_plural = _("consultation requests")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["fiscal_year", "month"])]
        permissions = [
            ("handle_requests", _("Answer consultation requests")),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        day = local_date(self.received_at)
        self.fiscal_year, self.month = fiscal_year_of(day), month_key(day)
        super().save(*args, **kwargs)

    @property
    def page_open(self) -> bool:
        return bool(self.token_hash) and self.token_revoked_at is None


class RequestMessage(models.Model):
    """One message of a request's thread: the writer's first message is the request's `body`;
    what follows (staff replies, the writer's answers on the private page) is kept here."""

    class Author(models.TextChoices):
        REQUESTER = "requester", _("Requester")
        STAFF = "staff", _("Centre")

    request = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.CharField(max_length=10, choices=Author.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"), max_length=BODY_MAX)
    sent_at = models.DateTimeField(_("sent"))
    # Staff replies to a writer who asked for e-mail go through the outbox; `mailed_at` is set
    # when the mail server accepted it.
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["sent_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request.code} {self.sent_at:%Y-%m-%d %H:%M}"


class RequestMail(models.Model):
    """The ledger that keeps a consultation mail from going out twice: one row per mail key
    (a request's confirmation, or one staff reply), claimed before the mail goes to the server
    (`claimed_at`) and marked `sent_at` once the server accepted it
    (`outreach.services.requests_mail`). The key names no one."""

    key = models.CharField(max_length=64, unique=True)
    request = models.ForeignKey(ConsultationRequest, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key} {'sent' if self.sent_at else 'sending'}"
