"""Cases of direct outreach: one per young person being supported, with the history of their
status, the contact log (home visits, calls, meetings) and the support plan's revisions.

A case names nobody itself: the person is its participant (nickname, school, birth year, the
minimum the learning support already holds). The committee and the coordinators work on the
case's `code` and status only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.time import fiscal_year_of


class Case(models.Model):
    class FoundVia(models.TextChoices):
        SCHOOL = "school", _("Referral by a school")
        REQUEST = "request", _("Own request")
        SNS = "sns", _("Social media")
        FAMILY = "family", _("Family")
        OTHER = "other", _("Other")

    class Situation(models.TextChoices):
        NOT_ATTENDING = "futoko", _("Not attending school (不登校)")
        AT_RISK = "futoko_risk", _("At risk of not attending (不登校傾向)")
        LEFT_SCHOOL = "left", _("Left high school (退学)")
        NOT_ENROLLED = "not_enrolled", _("High-school age, not enrolled")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        ONGOING = "ongoing", _("Consultation ongoing (相談継続中)")
        BACK_AT_SCHOOL = "back_at_school", _("Back at school (再登校)")
        PREPARING_EXAM = "preparing_exam", _("Preparing for an exam (受験準備)")
        EMPLOYED = "employed", _("In work (就職)")
        CLOSED = "closed", _("Closed (終了)")

    code = models.CharField(_("case code"), max_length=20, unique=True)
    participant = models.OneToOneField(
        "booking.Participant",
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="outreach_case",
    )
    opened_on = models.DateField(_("opened"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), editable=False)
    found_via = models.CharField(_("found through"), max_length=10, choices=FoundVia.choices)
    situation = models.CharField(_("situation"), max_length=14, choices=Situation.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ONGOING
    )
    consent_on = models.DateField(_("guardian consent (同意書) received"), null=True, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("consent recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    next_action = models.CharField(_("next action"), max_length=200, blank=True)
    next_action_on = models.DateField(_("next action on"), null=True, blank=True)
    request = models.OneToOneField(
        "outreach.ConsultationRequest",
        verbose_name=_("from consultation request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case",
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="outreach.CaseAssignment",
        verbose_name=_("assigned staff"),
        related_name="outreach_cases",
        blank=True,
    )
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["code"]
        # Wagtail's site history shows a model's audit entries to anyone with a permission on
        # the model: only the people who work on cases hold one on Case.
        permissions = [
            ("work_cases", _("Keep the records of assigned cases")),
            ("see_all_cases", _("See and assign every case (lead)")),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.fiscal_year = fiscal_year_of(self.opened_on)
        super().save(*args, **kwargs)


class CaseAssignment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="one_assignment_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.user}"


class StatusChange(models.Model):
    """The status history; the first row is the status the case was opened with."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=16, choices=Case.Status.choices)
    changed_on = models.DateField(_("date"))
    fiscal_year = models.PositiveSmallIntegerField(editable=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_on", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case} {self.changed_on}: {self.get_status_display()}"

    def save(self, *args, **kwargs):
        self.fiscal_year = fiscal_year_of(self.changed_on)
        super().save(*args, **kwargs)


class Contact(models.Model):
    """One line of the contact log."""

    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", _("Home visit")
        PHONE = "phone", _("Phone call")
        MESSAGE = "message", _("Message")
        FAMILY_MEETING = "family", _("Meeting with the family")
        CENTRE = "centre", _("Consultation at the centre")
        SCHOOL = "school", _("Meeting with the school")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    happened_on = models.DateField(_("date"))
    fiscal_year = models.PositiveSmallIntegerField(editable=False)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reached = models.BooleanField(
        _("reached the young person"),
        default=True,
        help_text=_("Untick when nobody answered or the young person did not come out."),
    )
    agreed = models.TextField(_("what was agreed"), max_length=2000, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-happened_on", "-recorded_at"]
        indexes = [models.Index(fields=["fiscal_year", "case"])]

    def __str__(self) -> str:
        return f"{self.case} {self.happened_on}: {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        self.fiscal_year = fiscal_year_of(self.happened_on)
        super().save(*args, **kwargs)


class SupportPlan(models.Model):
    """One revision of a case's support plan (支援計画). A revision is never edited: revising
    the plan adds the next revision, so what the committee reviewed stays as it was."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    revision = models.PositiveSmallIntegerField(_("revision"))
    goals = models.TextField(_("goals"), max_length=2000)
    review_on = models.DateField(_("review by"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    written_at = models.DateTimeField()

    class Meta:
        ordering = ["case", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["case", "revision"], name="one_plan_per_revision")
        ]

    def __str__(self) -> str:
        return f"{self.case} #{self.revision}"


class PlanAction(models.Model):
    class Organisation(models.TextChoices):
        SCHOOL = "school", _("School")
        CENTRE = "centre", _("Youth support centre")
        NPO = "npo", _("Free-school NPO")
        WELFARE = "welfare", _("Welfare")
        BOARD = "board", _("Board of education")
        FAMILY = "family", _("Family")

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(_("action"), max_length=300)
    responsible = models.CharField(_("responsible"), max_length=10, choices=Organisation.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.action
