"""The base of Vigie's management commands: operators read their help and output, so both are
translated (`help = gettext_lazy(...)`, `_()` in `handle`).

Django hands `help` to argparse, which wants a `str`, not a lazy translation: the base turns it
into one when the parser is built, in the language active then.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand


class TranslatedCommand(BaseCommand):
    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)
