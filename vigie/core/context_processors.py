from vigie.core import menu


def vigie(request):
    """What the base template needs to draw the menu for this user (`core/menu.py`)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    entries = menu.entries_for(user)
    return {
        "menu": entries,
        # `nav.<key>`: whether the user has that entry, for pages linking to another module.
        "nav": {e["key"]: True for e in entries},
        "user_orgs": user.organisations(),
    }
