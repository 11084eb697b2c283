"""Projets co-financés (see the issue and docs/architecture.md, « How to add a module »)."""
