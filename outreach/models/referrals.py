"""Referrals from the partner schools, and the liaisons who make them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.time import fiscal_year_of, local_date

from .cases import Case


class Liaison(models.Model):
    """A school's liaison (学校の担当者): the account may refer students of this school and
    follow those referrals, and nothing else."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="liaison",
    )
    school = models.ForeignKey(
        "core.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("school liaison")
        verbose_name_plural = _("school liaisons")
        # On Liaison, not Referral: Wagtail's site history shows a model's audit entries to
        # anyone holding any permission on that model, and a liaison must not read other
        # schools' referrals there (migration 0004 moved it, with its group grants).
        permissions = [("refer_students", _("Refer students of one's school"))]

    def __str__(self) -> str:
        return f"{self.user} ({self.school})"


class Referral(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Sent to the centre")
        ACCEPTED = "accepted", _("Accepted: support started")
        DECLINED = "declined", _("Not taken up")
        CLOSED = "closed", _("Support ended")

    class ConsentBy(models.TextChoices):
        GUARDIAN = "guardian", _("Guardian")
        STUDENT = "student", _("Student (with guardian informed)")

    code = models.CharField(_("referral code"), max_length=20, unique=True)
    school = models.ForeignKey(
        "core.School", verbose_name=_("school"), on_delete=models.PROTECT, related_name="+"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    referred_at = models.DateTimeField(_("referred"))
    fiscal_year = models.PositiveSmallIntegerField(editable=False)
    # The minimum the centre needs to make first contact; the school keeps the rest.
    nickname = models.CharField(_("name the student goes by"), max_length=40)
    grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)
    situation = models.CharField(_("situation"), max_length=14, choices=Case.Situation.choices)
    reason = models.TextField(_("why the school is referring"), max_length=2000)
    consent_on = models.DateField(_("consent received"))
    consent_by = models.CharField(_("consent given by"), max_length=10, choices=ConsentBy.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SENT
    )
    case = models.OneToOneField(
        "outreach.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referral",
    )
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_at"]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.fiscal_year = fiscal_year_of(local_date(self.referred_at))
        super().save(*args, **kwargs)
