"""What the registry's services share: the editable and derived fields of the cadre record, the
code tables in memory, the scope check, and raising coded errors."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models

from ganbu.cadres.periods import CADRE_FIELDS as PERIOD_CADRE_FIELDS
from ganbu.core.punctuation import normalise
from ganbu.org.codes import AMBIGUOUS, SYNONYMS
from ganbu.org.models import Unit, User
from ganbu.org.scoping import unit_in_scope
from ganbu.org.selectors import active_code_choices

# Editable fields of the cadre record (derived ones are excluded on purpose).
CADRE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "native_place",
    "birthplace",
    "id_number",
    "political_status",
    "party_joined_on",
    "work_started_on",
    "health",
    "professional_title",
    "expertise",
    "personnel_category",
    "establishment",
    "status",
)
CODE_FIELDS = {
    "gender": "gender",
    "ethnicity": "ethnicity",
    "political_status": "political_status",
    "personnel_category": "personnel_category",
    "establishment": "establishment",
}
# The derived fields of the record (rules.CurrentFields) that `cadre_refresh_derived` saves.
DERIVED_FIELDS = (
    "current_title",
    "current_level",
    "current_post_since",
    "is_leader",
    "current_rank",
    "current_rank_since",
    "fulltime_education",
    "fulltime_degree",
    "highest_education",
    "highest_degree",
)
PARTY_CODES = {"01", "02"}
# Cadre fields the state periods depend on (copied into them, or deciding which posts count).
PERIOD_SOURCE_FIELDS = frozenset({"status", *PERIOD_CADRE_FIELDS})


def model_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field


def label(model: type[models.Model], field: str) -> str:
    return str(model_field(model, field).verbose_name)


class CodeBook:
    """All active code tables in memory for one request or one import (a single query, through
    `org.selectors.active_code_choices`), and the synonyms clerks type (`org.codes.SYNONYMS`)."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, str]] = {
            key: dict(items) for key, items in active_code_choices().items()
        }
        self._lookups: dict[str, dict[str, str]] = {}

    def valid(self, table: str, code: str) -> bool:
        return code in self.tables.get(table, {})

    def name(self, table: str, code: str) -> str:
        return self.tables.get(table, {}).get(code, code)

    def code_for(self, table: str, value: str) -> str | None:
        """The code of a value given as its code, its name or a synonym ('01', '汉族'; '大学本科' for
        大学, '法学学士学位' for 法学学士). Spaces and the width of punctuation do not count
        (村(社区)干部 is 村（社区）干部). None when it is none of these: never a guess."""
        entries = self.tables.get(table, {})
        if value in entries:
            return value
        return self._lookup(table).get(_loose(value))

    def unknown_message(self, table: str, value: str, label: str) -> str:
        """Why `value` is no code of `table`, for the row error: a value that could mean several
        (`org.codes.AMBIGUOUS`: 科级, 主任科员) names the candidates to choose from."""
        candidates = next(
            (names for text, names in AMBIGUOUS.get(table, {}).items() if _loose(text) == _loose(value)), ()
        )
        if candidates:
            choices = "或".join(f"「{name}」" for name in candidates)
            return f"{label}「{value}」不明确，请填写{choices}"
        return f"{label}「{value}」不在代码表中"

    def _lookup(self, table: str) -> dict[str, str]:
        """{loose name or synonym: code} of one table, built on first use. A synonym whose value is
        not (or no longer) an active item of the table is left out; a name always wins over a
        synonym spelled the same."""
        lookup = self._lookups.get(table)
        if lookup is None:
            lookup = {_loose(name): code for code, name in self.tables.get(table, {}).items()}
            by_name = dict(lookup)
            for synonym, target in SYNONYMS.get(table, {}).items():
                code = by_name.get(_loose(target))
                if code is not None:
                    lookup.setdefault(_loose(synonym), code)
            self._lookups[table] = lookup
        return lookup


def _loose(text: str) -> str:
    return re.sub(r"\s+", "", normalise(text))


def require_scope(actor: User | None, unit: Unit) -> None:
    if actor is not None and not unit_in_scope(actor, unit):
        raise PermissionDenied("该单位不在您的数据范围内")


def raise_errors(errors: dict[str, str], code: str) -> None:
    """Raise {field: message} as one ValidationError with `code` (errors.py), when there are any."""
    if errors:
        raise ValidationError({k: [ValidationError(v, code=code)] for k, v in errors.items()})


def plain(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """Field values for an audit payload: related objects as their primary key."""
    if values is None:
        return None
    return {k: (v.pk if isinstance(v, models.Model) else v) for k, v in values.items()}
