"""LRMX exchange files (the national 任免审批表 editing software): export and import.

An LRMX file is UTF-8 XML with a flat `<Person>` root (see ../shared/REFERENCE.md). Export writes the
same text as the Word form (`appointment_form.form_data`); import reads it back into the registry
through the services (cadre_create / cadre_update / record_save), all-or-nothing per file.

Conventions and decisions:
- Month precision. LRMX dates are `yyyyMM`; imported dates are the 1st of the month. The birth date
  is taken from ShenFenZheng (身份证号) when present, so it is exact and agrees with the number. When
  an existing record already has a date in the same month, its day is kept. Where day 1 would break
  a rule only because of the lost day, the earliest valid day of that month is used instead: 入党时间
  in the month of the 18th birthday becomes the birthday; a post starting in the month of
  参加工作时间 starts on that day (and a period ending in the same month ends no earlier).
- 政治面貌 has no element of its own; it travels in RuDangShiJian as the 任免审批表 writes it: `200607`
  for 中共党员, `200607(预备党员)` for 中共预备党员, the name of the party for other parties
  (`民盟盟员`, also short forms such as `民盟`), empty for 群众.
- 学历学位: the highest full-time and in-service records travel in the QuanRiZhiJiaoYu_* / ZaiZhiJiaoYu_*
  elements; their dates come from the matching 简历 study lines. Lower degrees appear only as 简历
  study lines; on import such a line becomes an education record when its level can be read from the
  text (研究生/本科/大专/中专, 博士/硕士/学士), otherwise it is skipped with a warning.
- 简历 lines are `YYYY.MM--YYYY.MM  text` (also `YYYYMM`, `—`, `至今`); a line without a leading period
  continues the previous one. Text ending in 「学习」 is study (「在职学习」 in-service, otherwise
  full-time); `(其间:…)` holds in-service study nested in a post; posts marked 「(兼)」 are concurrent
  (is_primary False), joined with 「、」 or on a line of their own; every other line is a primary
  post whose title is the text, at the import unit. An open primary post followed by another primary
  post or full-time study ends when the next one starts; the last open one is current.
- 年度考核结果 `2023年度称职;2024年度优秀;2025年度称职。` (the last three years) becomes assessments.
- Re-import matches the cadre by 身份证号 (without one: by name and birth month when unique) and
  upserts its records (education by kind+school, appointment by start month+title, family by
  relation+name, assessment by year); records not in the file are kept, nothing is deleted.
- 照片 (ZhaoPian, JPEG/PNG) is stored through cadre_set_photo (decoded under a pixel limit in a
  limited child process and re-encoded as a clean JPEG; a bad photo fails the file).
- Not imported: 奖惩情况 (free text), 现任职务 (derived from the
  appointments), 拟任/拟免/任免理由 (belong to a selection process, kept on the parsed record).
- Safety: at most 5 MB, strict UTF-8, and any DOCTYPE/ENTITY declaration is refused before the XML
  parser runs, so entity expansion (billion laughs) and external entities are impossible. Every
  file is parsed in a limited child process (`core.sandbox`), one per file; a zip is listed and
  unpacked in a child too, after checking its entries, expanded size and compression ratios
  (`archive`). A killed child is an LrmxError (Chinese) for that file; the others go on.

Modules: `records` (the parsed record, limits, `LrmxError`), `writing` (export), `reading` and
`resume` (parsing), `importing` (into the registry), `archive` (zip uploads).
"""

from ganbu.cadres.lrmx.archive import zip_members
from ganbu.cadres.lrmx.importing import import_lrmx, import_lrmx_record
from ganbu.cadres.lrmx.reading import ALIASES, parse_lrmx
from ganbu.cadres.lrmx.records import (
    MAX_BYTES,
    MAX_ZIP_EXPANDED_BYTES,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
    SKIPPED,
    LrmxAppointment,
    LrmxEducation,
    LrmxError,
    LrmxFamilyMember,
    LrmxRecord,
    ResumeLine,
)
from ganbu.cadres.lrmx.resume import parse_resume, split_school
from ganbu.cadres.lrmx.writing import VERSION, cadre_to_lrmx, cadres_to_lrmx_zip, lrmx_filename

__all__ = [
    "ALIASES",
    "MAX_BYTES",
    "MAX_ZIP_EXPANDED_BYTES",
    "MAX_ZIP_MEMBERS",
    "MAX_ZIP_RATIO",
    "SKIPPED",
    "VERSION",
    "LrmxAppointment",
    "LrmxEducation",
    "LrmxError",
    "LrmxFamilyMember",
    "LrmxRecord",
    "ResumeLine",
    "cadre_to_lrmx",
    "cadres_to_lrmx_zip",
    "import_lrmx",
    "import_lrmx_record",
    "lrmx_filename",
    "parse_lrmx",
    "parse_resume",
    "split_school",
    "zip_members",
]
