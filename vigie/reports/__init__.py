"""Rapports et alertes (see the issue and docs/architecture.md, « How to add a module »)."""
