"""Excel import of the cadre registry (干部信息 .xlsx), on the kernel's spreadsheet kit.

Import is all-or-nothing per file and runs in two passes over the rows (`importer.Importer`):

1. **validate** (no transaction, no lock): every row is parsed and checked with the same rules as the
   registry services (``services.validate_cadre`` and the record validators of
   ``services.RECORD_KINDS``) plus the import rules (unit code in scope, 职务/任职时间 together,
   身份证号 required and unique in the file) — `validation.RowChecker`. Every error of every row is
   collected as (行号, 列名, 原因). A file with any error stops here: nothing is written, no lock is
   taken.
2. **write** (one ``transaction.atomic``): the rows are read again, validated again (so a change
   made by someone else in between cannot slip through) and written in chunks of 1,000: existing
   cadres and their records are pre-loaded by 身份证号 (one query per table and chunk), new rows
   are inserted and changed rows updated with one statement per table and chunk (`bulk`:
   executemany; COPY on PostgreSQL), derived fields are computed with ``rules.derive_current`` and
   ``pinyin.name_keys`` (what ``services.cadre_refresh_derived`` uses; `planning.Planner`), the
   state periods of the chunk's new and changed cadres are rebuilt
   (``services.state_periods_rebuild``), and one audit event ("cadre.import") is written for the
   whole file.

Rows are streamed from python-calamine (which holds the parsed sheet, ~1 KB per row, in native
memory) or openpyxl read-only (the fallback, and the reader for very large files); Python memory
is bounded by the chunk, apart from the 身份证号 already seen (for the duplicate check) and the
affected ids (for the audit event).

Modules: `columns` (the columns and the header), `rows` (cells and the records compared), `validation`,
`planning`, `bulk`, `importer` (the passes), `entry` (`import_file`, `import_job_create`,
`run_import`). The template and the export are in `cadres/documents.py`.
"""

from ganbu.cadres.imports.columns import (
    CODES_SHEET,
    COLUMNS,
    EXPORT_HEADERS,
    HEADERS,
    HELP_SHEET,
    REQUIRED_HEADERS,
    TEMPLATE_SHEET,
    Column,
    find_layout,
)
from ganbu.cadres.imports.entry import ImportResult, import_file, import_job_create, run_import
from ganbu.cadres.imports.importer import CHUNK_ROWS
from ganbu.cadres.imports.rows import ID_NUMERIC_MESSAGE, id_number_error, parse_id_cell

__all__ = [
    "CHUNK_ROWS",
    "CODES_SHEET",
    "COLUMNS",
    "EXPORT_HEADERS",
    "HEADERS",
    "HELP_SHEET",
    "ID_NUMERIC_MESSAGE",
    "REQUIRED_HEADERS",
    "TEMPLATE_SHEET",
    "Column",
    "ImportResult",
    "find_layout",
    "id_number_error",
    "import_file",
    "import_job_create",
    "parse_id_cell",
    "run_import",
]
