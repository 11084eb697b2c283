"""Campaigns, waves, targets (the call queue) and attempts — issue #3."""
