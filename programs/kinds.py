"""The kinds of learning support, as the city's report breaks its figures down.

One enum for everything: the open study space is a kind of support but not a programme (it is a
bookable space of its own), so programme pages choose from `PROGRAM_KINDS`, the same values
without it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SupportKind(models.TextChoices):
    STUDY_SPACE = "study_space", _("Open study space")
    SCIENCE = "science", _("Science experiment")
    FIELDWORK = "fieldwork", _("Fieldwork")
    PBL = "pbl", _("PBL project")
    ONLINE = "online", _("Online study")
    CONSULTATION = "consultation", _("Learning consultation")


PROGRAM_KINDS = [
    (kind.value, kind.label) for kind in SupportKind if kind != SupportKind.STUDY_SPACE
]
PROGRAM_KIND_VALUES = [value for value, _label in PROGRAM_KINDS]
