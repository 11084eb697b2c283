"""The example module of docs/architecture.md ("How to add a module"): a suggestion box.

It lives with the tests and is installed only under pytest (settings.py), to prove that a new
module plugs into every registry Vigie has — permission, menu, URLs, journal code, household
timeline, data-subject export and erasure, retention, home-page card — without a line changed
in core or in the other apps (`tests/test_everywhere.py`).
"""
