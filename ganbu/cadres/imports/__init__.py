"""Excel import of the cadre registry (干部信息 .xlsx and real 干部名册), on the kernel's spreadsheet
kit.

The header may be the template's one row or a roster's two or three merged rows, with the names
rosters give the columns (`columns.ALIASES`: 出生年月, 任现职时间, 全日制教育 over 学历 …;
`header.find_header`). A row is a stored cadre by 身份证号; a file without that column (a roster)
identifies its rows by 姓名 + 出生年月 + 单位 (`matching`), and a cadre written without 身份证号 or a
required field the file lacks is left with it empty and listed on the 待补充 page. The unit comes
from 单位代码, else 单位 (name or short name), else the start of 现任职务.

Import is all-or-nothing per file and runs in two passes over the rows (`importer.Importer`):

1. **validate** (no transaction, no lock): every row is parsed and checked with the same rules as the
   registry services (``services.validate_cadre`` and the record validators of
   ``services.RECORD_KINDS``) plus the import rules (the unit in scope, 职务/任职时间 together,
   身份证号 required and unique in the file when the file has the column, the same person not
   twice, a match by name not ambiguous) — `validation.RowChecker`. Every error of every row is
   collected as (行号, 列名, 原因), 列名 as the file writes it. A file with any error stops here:
   nothing is written, no lock is taken.
2. **write** (one ``transaction.atomic``): the rows are read again, validated again (so a change
   made by someone else in between cannot slip through) and written in chunks of 1,000: existing
   cadres and their records are pre-loaded by 身份证号 and by name (one query per table and chunk),
   new rows are inserted and changed rows updated with one statement per table and chunk (`bulk`:
   executemany; COPY on PostgreSQL; cadres without 身份证号 through the ORM, which returns their
   keys), derived fields are computed with ``rules.derive_current`` and ``pinyin.name_keys`` (what
   ``services.cadre_refresh_derived`` uses; `planning.Planner`), the state periods of the chunk's
   new and changed cadres are rebuilt (``services.state_periods_rebuild``), and one audit event
   ("cadre.import") is written for the whole file.

The result (`entry.ImportResult`) also carries notes: rows matched by name, columns recognised but
not stored (任现职务层次时间, 备注), cadres left 待补充.

Rows are streamed from python-calamine (which holds the parsed sheet, ~1 KB per row, in native
memory) or openpyxl read-only (the fallback, and the reader for very large files); Python memory
is bounded by the chunk, apart from the 身份证号 already seen (for the duplicate check) and the
affected ids (for the audit event).

Modules: `columns` (the columns, their other names, the layout), `header` (one- to three-row
headers), `rows` (cells and the records compared), `validation`, `matching`, `planning`, `bulk`,
`importer` (the passes), `entry` (`import_file`, `import_job_create`, `run_import`). The template
and the export are in `cadres/documents.py`.
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
