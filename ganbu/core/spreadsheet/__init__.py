"""The spreadsheet kit every import and export uses: reading workbooks (untrusted ones checked first
and parsed in a limited child process), parsing cells and dates, finding the header row (also
two-row headers), row errors as (行号, 列名, 原因), the error report, import templates, and writing
text that a spreadsheet never runs as a formula.

Policy for imports (docs/architecture.md, "Imports"): all or nothing per file; validate every row
first and collect every error as `RowError(行号, 列名, 原因)`; write only when there is none. The
domain of each import (which columns, which rules) lives in its app's `imports.py`; this package
knows nothing of cadres or households.
"""

from ganbu.core.spreadsheet.base import (
    DATE_FORMAT,
    DATE_FORMATS_HINT,
    HEADER_SEARCH_ROWS,
    Cell,
    ImportFileError,
    ImportResultBase,
    RowError,
    Source,
    check_size,
    digest,
    file_error,
    source_size,
)
from ganbu.core.spreadsheet.cells import (
    cell_text,
    code_text,
    header_text,
    is_blank,
    parse_date,
    text_cell,
    text_cells,
)
from ganbu.core.spreadsheet.layout import Layout, data_rows, find_layout
from ganbu.core.spreadsheet.reading import (
    MAX_CELLS,
    MAX_COLUMNS,
    STREAM_ABOVE_BYTES,
    UNREADABLE,
    WORKBOOK_LIMITS,
    CalamineReader,
    OpenpyxlReader,
    Reader,
    SpilledReader,
    open_workbook,
    precheck_xlsx,
)
from ganbu.core.spreadsheet.writing import (
    TemplateColumn,
    error_report_xlsx,
    table_xlsx,
    template_xlsx,
    xlsx_bytes,
)

__all__ = [
    "DATE_FORMAT",
    "DATE_FORMATS_HINT",
    "HEADER_SEARCH_ROWS",
    "MAX_CELLS",
    "MAX_COLUMNS",
    "STREAM_ABOVE_BYTES",
    "UNREADABLE",
    "WORKBOOK_LIMITS",
    "CalamineReader",
    "Cell",
    "ImportFileError",
    "ImportResultBase",
    "Layout",
    "OpenpyxlReader",
    "Reader",
    "RowError",
    "Source",
    "SpilledReader",
    "TemplateColumn",
    "cell_text",
    "check_size",
    "code_text",
    "data_rows",
    "digest",
    "error_report_xlsx",
    "file_error",
    "find_layout",
    "header_text",
    "is_blank",
    "open_workbook",
    "parse_date",
    "precheck_xlsx",
    "source_size",
    "table_xlsx",
    "template_xlsx",
    "text_cell",
    "text_cells",
    "xlsx_bytes",
]
