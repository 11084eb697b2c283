"""A registry: what apps declare to the platform, by name, from their own modules (issue #11 §3).

Core and the lower apps own the registries (the menu, the permissions, the dashboard cards,
the household timeline, the data-subject exporters and erasers, the retention rules); every
app fills them from its own modules, imported from its `AppConfig.ready()`. Core never lists
another app's entries, so adding a module is adding an app — nothing to edit here.

    MENU: Registry[MenuEntry] = Registry("menu entry")
    MENU.add("register", MenuEntry(...))
    for key, entry in MENU.items(): ...

Declaring the same name twice with the same value is harmless (a module imported twice);
with a different value it is a programming error, raised at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Mapping[str, T], Generic[T]):
    """Entries by name, in declaration order (or by an `order` attribute, see `ordered`)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._entries: dict[str, T] = {}

    def add(self, name: str, entry: T) -> T:
        known = self._entries.get(name)
        if known is not None and known != entry:
            raise ValueError(f"{self.what} {name!r} is already declared differently.")
        self._entries[name] = entry
        return entry

    def decorator(self, name: str, make: Callable[[Callable], T] | None = None) -> Callable:
        """`@REGISTRY.decorator(name)` registers the decorated function (or `make(fn)`)."""

        def register(fn: Callable) -> Callable:
            self.add(name, make(fn) if make is not None else fn)  # type: ignore[arg-type]
            return fn

        return register

    def remove(self, name: str) -> None:
        """For tests that declare a temporary entry."""
        self._entries.pop(name, None)

    def ordered(self) -> list[T]:
        return sorted(self._entries.values(), key=lambda e: getattr(e, "order", 0))

    def __getitem__(self, name: str) -> T:
        return self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Registry of {self.what}: {', '.join(self._entries)}>"
