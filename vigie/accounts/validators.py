"""Password rule after CNIL deliberation 2022-100: 12 characters mixing character classes."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassesValidator:
    """At least three of: lower case, upper case, digit, other character."""

    def validate(self, password: str, user: object = None) -> None:
        classes = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                _(
                    "Le mot de passe doit mêler au moins trois types de caractères : "
                    "minuscules, majuscules, chiffres, caractères spéciaux."
                ),
                code="password_classes",
            )

    def get_help_text(self) -> str:
        return _(
            "Au moins trois types de caractères parmi minuscules, majuscules, chiffres et "
            "caractères spéciaux."
        )
