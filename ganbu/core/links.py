"""Links a higher app adds to a lower app's page, without the lower app importing it.

The layers (docs/architecture.md) forbid the registry (`cadres`) to import `assessment`, yet a
cadre's page should lead to that cadre's 考核记录. So the higher app registers its link here from its
`AppConfig.ready()`, and the cadre page asks which links the reader may follow. The kernel knows no
roles: the page passes a `user_has(capability)` callable (`org.permissions.has_capability` bound
to its user). Registering the same URL name again replaces the link in place, since `ready()` may
run more than once (tests, autoreload).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Link", "cadre_links", "register_cadre_link"]


@dataclass(frozen=True)
class Link:
    """A button on another app's page: `url_name` is reversed with the page's object's pk."""

    label: str
    url_name: str
    capability: str


class LinkRegistry:
    """Links by URL name, in the order first registered."""

    def __init__(self) -> None:
        self._links: dict[str, Link] = {}

    def register(self, *, label: str, url_name: str, capability: str) -> None:
        self._links[url_name] = Link(label=label, url_name=url_name, capability=capability)

    def for_user(self, user_has: Callable[[str], bool]) -> list[Link]:
        return [link for link in self._links.values() if user_has(link.capability)]


_CADRE = LinkRegistry()


def register_cadre_link(*, label: str, url_name: str, capability: str) -> None:
    """A link on a cadre's page (`{% url url_name cadre.pk %}`), shown to users with `capability`."""
    _CADRE.register(label=label, url_name=url_name, capability=capability)


def cadre_links(user_has: Callable[[str], bool]) -> list[Link]:
    """The links of a cadre's page the reader may follow, in the order registered."""
    return _CADRE.for_user(user_has)
