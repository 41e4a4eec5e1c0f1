from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgramKind(models.TextChoices):
    """The kinds of programme staff publish (DOMAIN.md). The open study space is not a
    programme page: it is a bookable space of its own."""

    SCIENCE = "science", _("Science experiment")
    FIELDWORK = "fieldwork", _("Fieldwork")
    PBL = "pbl", _("PBL project")
    ONLINE = "online", _("Online study")
    CONSULTATION = "consultation", _("Learning consultation")


class SupportKind(models.TextChoices):
    """Every kind of learning support, as the reports break figures down (DOMAIN.md)."""

    STUDY_SPACE = "study_space", _("Open study space")
    SCIENCE = "science", _("Science experiment")
    FIELDWORK = "fieldwork", _("Fieldwork")
    PBL = "pbl", _("PBL project")
    ONLINE = "online", _("Online study")
    CONSULTATION = "consultation", _("Learning consultation")
