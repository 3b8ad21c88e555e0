"""Writes to the cadre registry. Every function validates (Chinese messages naming the field, codes
in `cadres/errors.py`), checks the actor's scope, writes inside one transaction with an audit event
(`cadres/events.py`), and refreshes the derived fields (current post, rank, education, search keys)
and state periods.

- `cadres`: the cadre record (`validate_cadre`, `cadre_create`, `cadre_update`, `cadre_delete`);
- `records`: the sub-records (education, appointments, ranks, rewards, assessments, family) through
  one pair of functions, `record_save` / `record_delete`, with a validator per kind (`RECORD_KINDS`);
- `derived`: `cadre_refresh_derived`, the daily `cadres_refresh_due`, `state_periods_rebuild`;
- `photos` (decoded in a limited child process and re-encoded), `accounts` (a cadre's own login),
  `evaluations` (results other modules write in);
- `lookups`: searches by 身份证号, audited and limited per user (`id_number_lookup_record`);
- `common`: the field lists, the code tables in memory (`CodeBook`), the scope check.

Other apps use the names in `__all__`; the Excel import (`cadres/imports/`) and the LRMX import
(`cadres/lrmx/`) validate with the same functions.
"""

from ganbu.cadres.services.accounts import cadre_link_account, cadre_of_user
from ganbu.cadres.services.cadres import cadre_create, cadre_delete, cadre_update, validate_cadre
from ganbu.cadres.services.common import (
    CADRE_FIELDS,
    CODE_FIELDS,
    DERIVED_FIELDS,
    PARTY_CODES,
    PERIOD_SOURCE_FIELDS,
    CodeBook,
    label,
)
from ganbu.cadres.services.derived import cadre_refresh_derived, cadres_refresh_due, state_periods_rebuild
from ganbu.cadres.services.evaluations import evaluation_record_write
from ganbu.cadres.services.lookups import id_number_lookup_record
from ganbu.cadres.services.photos import PHOTO_MAX_BYTES, PHOTO_MAX_PIXELS, cadre_set_photo, photo_reencode
from ganbu.cadres.services.records import RECORD_KINDS, RecordKind, record_delete, record_save

__all__ = [
    "CADRE_FIELDS",
    "CODE_FIELDS",
    "DERIVED_FIELDS",
    "PARTY_CODES",
    "PERIOD_SOURCE_FIELDS",
    "PHOTO_MAX_BYTES",
    "PHOTO_MAX_PIXELS",
    "RECORD_KINDS",
    "CodeBook",
    "RecordKind",
    "cadre_create",
    "cadre_delete",
    "cadre_link_account",
    "cadre_of_user",
    "cadre_refresh_derived",
    "cadre_set_photo",
    "cadre_update",
    "cadres_refresh_due",
    "evaluation_record_write",
    "id_number_lookup_record",
    "label",
    "photo_reencode",
    "record_delete",
    "record_save",
    "state_periods_rebuild",
    "validate_cadre",
]
