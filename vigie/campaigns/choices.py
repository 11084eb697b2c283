"""Statuses and codes of the campaigns app, named once for models, services, API and UI."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    RUNNING = "running", _("en cours")
    PAUSED = "paused", _("en pause")
    CLOSED = "closed", _("clôturée")


# The only status changes a campaign may go through (conventions, habit 5). A closed campaign
# never reopens: its figures are what was reported.
CAMPAIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    CampaignStatus.DRAFT: frozenset({CampaignStatus.RUNNING, CampaignStatus.CLOSED}),
    CampaignStatus.RUNNING: frozenset({CampaignStatus.PAUSED, CampaignStatus.CLOSED}),
    CampaignStatus.PAUSED: frozenset({CampaignStatus.RUNNING, CampaignStatus.CLOSED}),
    CampaignStatus.CLOSED: frozenset(),
}


class TargetStatus(models.TextChoices):
    PENDING = "pending", _("à appeler")
    CLAIMED = "claimed", _("en cours d'appel")
    CALLBACK = "callback", _("à rappeler")
    DONE = "done", _("terminé")
    NOT_REACHED = "not_reached", _("injoignable (visite à prévoir)")
    NO_PHONE = "no_phone", _("sans téléphone (visite ou courrier)")
    EXCLUDED = "excluded", _("exclu")
    # The household left its dwelling (a full import marked it departed): out of every queue,
    # back only if it returns and the campaign is rebuilt.
    DEPARTED = "departed", _("parti")


# Statuses still in the queue (what "remaining" counts).
OPEN_TARGET_STATUSES = (TargetStatus.PENDING, TargetStatus.CLAIMED, TargetStatus.CALLBACK)

_T = TargetStatus
# Every move a household's target may make (conventions, habit 5; core/transitions.py). A
# build sends it apart (no phone) or back; the claim takes it (from pending, a callback due,
# or a claim whose lease expired: queue._claim_sql reads these from here); a call moves it on
# (a call entered from a paper sheet may start from pending or callback, and a retry stays
# pending); an import that marks its household departed takes it out, a rebuild brings it
# back. Done and excluded are final.
TARGET_TRANSITIONS: dict[str, frozenset[str]] = {
    _T.PENDING: frozenset(
        {
            _T.CLAIMED,
            _T.PENDING,
            _T.CALLBACK,
            _T.DONE,
            _T.NOT_REACHED,
            _T.NO_PHONE,
            _T.EXCLUDED,
            _T.DEPARTED,
        }
    ),
    _T.CLAIMED: frozenset(
        {_T.CLAIMED, _T.PENDING, _T.CALLBACK, _T.DONE, _T.NOT_REACHED, _T.EXCLUDED, _T.DEPARTED}
    ),
    _T.CALLBACK: frozenset(
        {_T.CLAIMED, _T.PENDING, _T.CALLBACK, _T.DONE, _T.NOT_REACHED, _T.EXCLUDED, _T.DEPARTED}
    ),
    _T.NOT_REACHED: frozenset({_T.EXCLUDED, _T.DEPARTED}),
    _T.NO_PHONE: frozenset({_T.PENDING, _T.EXCLUDED, _T.DEPARTED}),
    _T.DEPARTED: frozenset({_T.PENDING, _T.NO_PHONE, _T.EXCLUDED}),
    _T.DONE: frozenset(),
    _T.EXCLUDED: frozenset(),
}
# Where the claim takes a target from, read off the table (the claim SQL uses these).
TARGET_CLAIM_SOURCES = tuple(s for s in TargetStatus if _T.CLAIMED in TARGET_TRANSITIONS[s])


class AttemptResult(models.TextChoices):
    REACHED = "reached", _("joint")
    NO_ANSWER = "no_answer", _("pas de réponse")
    VOICEMAIL = "voicemail", _("messagerie")
    WRONG_NUMBER = "wrong_number", _("faux numéro")
    REFUSED = "refused", _("refus")
    BUSY = "busy", _("occupé")


class Outcome(models.TextChoices):
    REASSURING = "reassuring", _("rassurant")
    NEEDS_FOLLOW_UP = "needs_follow_up", _("suite à donner")


class NeedKind(models.TextChoices):
    GROCERIES = "groceries", _("courses")
    MEAL_DELIVERY = "meal_delivery", _("portage de repas")
    MEDICATION = "medication", _("médicaments")
    ISOLATION = "isolation", _("isolement")
    HEALTH = "health", _("santé")
    PSYCHOLOGICAL_SUPPORT = "psychological_support", _("soutien psychologique")
    FINANCIAL_HARDSHIP = "financial_hardship", _("difficultés financières")
    HOUSING_PROBLEM = "housing_problem", _("problème de logement / immeuble")
    NEIGHBOUR_CONFLICT = "neighbour_conflict", _("conflit de voisinage")
    OTHER = "other", _("autre")


# Needs that reveal health (GDPR art. 9): shown only with household.view_sensitive.
SENSITIVE_NEEDS = frozenset({NeedKind.HEALTH, NeedKind.MEDICATION, NeedKind.PSYCHOLOGICAL_SUPPORT})


class NeedStatus(models.TextChoices):
    OPEN = "open", _("ouvert")
    RESOLVED = "resolved", _("résolu")


# A need is resolved once the work opened on it is done (actions.services.needs); never reopened.
NEED_TRANSITIONS: dict[str, frozenset[str]] = {
    NeedStatus.OPEN: frozenset({NeedStatus.RESOLVED}),
    NeedStatus.RESOLVED: frozenset(),
}


class QuestionKind(models.TextChoices):
    YES_NO = "yes_no", _("oui / non")
    CHOICE = "choice", _("choix")
    TEXT = "text", _("texte court")


# Results after which the household may be tried again (the retry policy says how).
RETRYABLE_RESULTS = (AttemptResult.NO_ANSWER, AttemptResult.BUSY, AttemptResult.VOICEMAIL)


class CounterMetric(models.TextChoices):
    """What a campaign counter counts (CampaignCounter)."""

    ATTEMPTS = "attempts", _("appels")
    NEEDS = "needs", _("besoins signalés")
    NOT_REACHED = "not_reached", _("ménages injoignables")


class BuildStatus(models.TextChoices):
    QUEUED = "queued", _("en attente")
    RUNNING = "running", _("en cours")
    DONE = "done", _("terminée")
    FAILED = "failed", _("échouée")
