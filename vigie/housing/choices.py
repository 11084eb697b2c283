from django.db import models
from django.utils.translation import gettext_lazy as _


class DwellingType(models.TextChoices):
    T1 = "T1", "T1"
    T2 = "T2", "T2"
    T3 = "T3", "T3"
    T4 = "T4", "T4"
    T5 = "T5", "T5"
    T6 = "T6", "T6"


class OccupantRole(models.TextChoices):
    LEASEHOLDER = "titulaire", _("titulaire")
    CO_LEASEHOLDER = "cotitulaire", _("cotitulaire")
    SPOUSE = "conjoint", _("conjoint·e")
    CHILD = "enfant", _("enfant")
    OTHER = "autre", _("autre")


ADULT_ROLES = (OccupantRole.LEASEHOLDER, OccupantRole.CO_LEASEHOLDER, OccupantRole.SPOUSE)


class Cohort(models.TextChoices):
    OVER_75 = "over_75", _("75 ans et plus")
    AGE_70_74 = "age_70_74", _("70 à 74 ans")
    SINGLE_PARENT = "single_parent", _("Famille monoparentale")
    DISABILITY = "disability", _("Situation de handicap")


class ImportStatus(models.TextChoices):
    IMPORTED = "imported", _("importé")
    REFUSED = "refused", _("refusé")
    DRY_RUN = "dry_run", _("simulation")
