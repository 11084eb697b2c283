"""The campaign pages, split in two: views_manager.py (campaigns, waves, dashboard, lists) and
views_console.py (the caller console, callbacks, the printed sheet and its paper entry)."""

from vigie.campaigns.views_console import *  # noqa: F403
from vigie.campaigns.views_manager import *  # noqa: F403
