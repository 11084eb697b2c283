"""The journal codes the accounts app writes, in French, with who may read them
(core/journal.py)."""

from django.utils.translation import gettext_lazy as _

from vigie.core.journal import register
from vigie.core.permissions import Perm

for code, label in (
    ("organisation.created", _("Organisation créée")),
    ("membership.created", _("Accès donné à un·e utilisateur·rice")),
    ("api_token.used", _("Jeton d'API utilisé pour la première fois")),
    ("api_token.revoked", _("Jeton d'API révoqué")),
    ("two_factor.enrolled", _("Double authentification activée")),
    ("auth.reauthenticated", _("Mot de passe confirmé pour une opération sensible")),
    ("membership.changed", _("Agences d'un rôle modifiées")),
    ("membership.removed", _("Rôle retiré à un·e utilisateur·rice")),
    ("user.updated", _("Fiche d'un·e utilisateur·rice modifiée")),
    ("user.deactivated", _("Compte désactivé")),
    ("user.reactivated", _("Compte réactivé")),
    ("two_factor.reset", _("Double authentification réinitialisée")),
    ("auth.password_set", _("Mot de passe choisi par lien e-mail")),
):
    register(code, label=label, perm=Perm.ORG_ADMIN)
