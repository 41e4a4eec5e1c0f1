"""The narrative of the yearly report to the ministry, one per fiscal year.

Staff write it in the admin, section by section as the ministry's template lists them; their
changes are drafts until the moderation workflow publishes them (ministry/migrations/0002), and
only the published text reaches the documents (`ministry.services.sections`).
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin

from core.blocks import CaptionedImageBlock

# No h2: a section's title is the heading of its slide; the text inside it starts at h3.
NARRATIVE_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link"]

FIRST_FISCAL_YEAR = 2000
LAST_FISCAL_YEAR = 2100


class NarrativeBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("Text"), features=NARRATIVE_FEATURES)
    image = CaptionedImageBlock()

    class Meta:
        required = False


def narrative_field(verbose_name, help_text=""):
    return StreamField(NarrativeBlock(), blank=True, verbose_name=verbose_name, help_text=help_text)


class MinistryReport(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, models.Model):
    fiscal_year = models.PositiveSmallIntegerField(
        _("fiscal year"),
        unique=True,
        validators=[MinValueValidator(FIRST_FISCAL_YEAR), MaxValueValidator(LAST_FISCAL_YEAR)],
        help_text=_("The year the fiscal year starts in: 2026 for 1 April 2026 – 31 March 2027."),
    )
    background = narrative_field(
        _("Background"), _("The local problem the programme answers, and its aim.")
    )
    activities = narrative_field(
        _("Activities"),
        _("What was done. The figures of the period are added to the report from the records."),
    )
    pandemic_response = narrative_field(_("Challenges such as the pandemic, and responses"))
    reaching_participants = narrative_field(_("How the people the programme is for were reached"))
    publicity = narrative_field(_("Publicity"))
    results = narrative_field(_("Results and effects"))
    next_steps = narrative_field(_("Issues and next steps"))
    organisation = narrative_field(
        _("Organisation"),
        _("Who takes part and how they work together; add the diagram as an image."),
    )

    # Wagtail finds a snippet's revisions and workflow states through these relations; the
    # `revisions` property is the name its views use.
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="ministry_report")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name="ministry_report",
        for_concrete_model=False,
    )

    panels = [
        FieldPanel("fiscal_year"),
        FieldPanel("background"),
        FieldPanel("activities"),
        FieldPanel("pandemic_response"),
        FieldPanel("reaching_participants"),
        FieldPanel("publicity"),
        FieldPanel("results"),
        FieldPanel("next_steps"),
        FieldPanel("organisation"),
    ]

    class Meta:
        ordering = ["-fiscal_year"]
        verbose_name = _("ministry report")
        verbose_name_plural = _("ministry reports")

    def __str__(self):
        return str(_("Ministry report for fiscal year %(year)s") % {"year": self.fiscal_year})

    @property
    def revisions(self):
        return self._revisions


# The sections of the ministry's template, in its order: the documents follow it.
SECTION_FIELDS = (
    "background",
    "activities",
    "pandemic_response",
    "reaching_participants",
    "publicity",
    "results",
    "next_steps",
    "organisation",
)
