"""Aide alimentaire (see the issue and docs/architecture.md, « How to add a module »)."""
