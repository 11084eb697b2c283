"""Signals of the accounts app, for upper apps to hook into without accounts naming them."""

from django.dispatch import Signal

# Sent by `vigie create_user` inside its transaction, after the membership is created, with
# `user`, `organisation`, `role` and `options` (the module options given on the command line,
# e.g. {"discipline": ["lawyer"]}). A receiver raising DomainError undoes the whole creation.
# The mediation app gives practitioners their disciplines this way (docs/decisions/0013).
user_created_by_command = Signal()
