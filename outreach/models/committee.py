"""The committee's meetings (業務運営委員会 / 益田市高等学校連絡協議会): the five schools, the
board of education, the centre, the free-school NPO and welfare review the support plans. The
committee works on case codes and status only: a meeting's agenda and minutes must not name
anyone."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitteeMeeting(models.Model):
    held_on = models.DateField(_("date"))
    agenda = models.TextField(_("agenda"), max_length=4000, blank=True)
    minutes = models.TextField(_("minutes"), max_length=20000, blank=True)
    cases = models.ManyToManyField(
        "outreach.Case", verbose_name=_("cases reviewed"), related_name="reviews", blank=True
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("committee meeting")
        verbose_name_plural = _("committee meetings")
        ordering = ["-held_on"]
        # The committee's and the coordinators' permissions live here, not on Case: Wagtail's
        # site history shows a model's audit entries to anyone with a permission on the model,
        # and a meeting's entries name no one.
        permissions = [
            ("minute_meetings", _("Write the committee's agenda and minutes")),
            ("review_cases", _("Review cases by code and status (committee)")),
            ("view_outreach_report", _("See the outreach figures")),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d}"
