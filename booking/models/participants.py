"""Participants: the minimum we hold about a student."""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Participant(models.Model):
    """A student. The minimum we need: a nickname, a school (or none), a birth year (for the
    guardian-consent rule) and where to send booking mail. Walk-ins registered by staff have no
    account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participant",
    )
    reference = models.CharField(
        _("reference"), max_length=20, unique=True, help_text=_("A stable code such as P-0012.")
    )
    nickname = models.CharField(_("nickname"), max_length=40)
    school = models.ForeignKey(
        "core.School",
        verbose_name=_("school"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("Empty: not at a partner school, or not enrolled."),
    )
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, validators=[MinValueValidator(1950)]
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="ja"
    )
    guardian_consent_on = models.DateField(_("guardian consent received"), null=True, blank=True)
    guardian_consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    feed_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["reference"]

    def __str__(self) -> str:
        return f"{self.nickname} ({self.reference})"

    def may_be_minor(self, today) -> bool:
        """Only the birth year is known: anyone who could still be 17 counts as a minor, and so
        does anyone whose birth year we do not know."""
        return self.birth_year is None or today.year - self.birth_year <= 18

    def needs_consent(self, today) -> bool:
        return self.guardian_consent_on is None and self.may_be_minor(today)

    @property
    def email(self) -> str:
        return self.contact_email or (self.user.email if self.user_id else "")
