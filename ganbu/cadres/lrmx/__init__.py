"""LRMX exchange files (the national 任免审批表 editing software): export and import.

An LRMX file is UTF-8 XML with a flat `<Person>` root (see ../shared/REFERENCE.md). Export writes the
same text as the Word form (`appointment_form.form_data`); import reads it back into the registry
through the services (cadre_create / cadre_update / record_save), all-or-nothing per file.

Conventions and decisions:
- Never a quiet guess. A value the reader does not fully understand is an LrmxError naming the
  element, or a warning (`LrmxRecord.warnings`, printed by `manage.py import_lrmx` after 「提示：」
  and kept with the record in `Cadre.lrmx_extras["warnings"]`), never silently dropped.
- Lossless round trip. Every element of an imported file is kept as written, in order, with the
  record (`Cadre.lrmx_extras`, written by `importing.cadre_keep_lrmx_file`); an export writes an
  element as the file had it while the registry still gives the text it gave right after the
  import, and from the registry once the registry changed it (`writing`, its docstring). So
  `王  伟`, `大学`, `1975.8`, the 简历 as typed, `2021、2022年度称职；2023年度优秀。`, 奖惩 text, 拟任职务,
  拟免职务, 任免理由, 呈报单位, 填表人, 填表时间, GaiGeQianRenZhiNianLingJieXian, DaoLingNianYue and
  elements we do not know come back unchanged. The one exception is ZhaoPian: the photo is stored
  re-encoded (a clean JPEG) and exported as stored, never as sent.
- Dates. `yyyyMM`, `yyyyMMdd`, `yyyy.MM`, `yyyy.M`, `yyyy.MM.dd` (also `-` `/` 年月, full-width
  digits). A date with a day keeps it; a month is the 1st. The birth date comes from ShenFenZheng
  (身份证号) when present, so it is exact and agrees with the number (and the gender with
  XingBie). When an existing record already has a date in the same month, its day is kept. Where
  day 1 would break a rule only because of the lost day, the earliest valid day of that month is
  used instead: 入党时间 in the month of the 18th birthday becomes the birthday; a post starting in
  the month of 参加工作时间 starts on that day (and a period ending in the same month ends no
  earlier).
- 政治面貌 has no element of its own; it travels in RuDangShiJian: `199706` / `19970612` (a date,
  never a month and a code) for 中共党员, `199706（预备党员）` for 中共预备党员, `199706；民盟` for a CPC
  member who is also in another party (stored as 中共党员 with a warning; the text is kept), the
  name of a party alone for its members (`民盟盟员`, also `民盟`), empty for 群众. Anything else is
  an error.
- 学历学位: the highest full-time and in-service records travel in the QuanRiZhiJiaoYu_* / ZaiZhiJiaoYu_*
  elements (names through `CodeBook`, with its synonyms: 大学本科 is 大学); their dates come from
  the matching 简历 study lines. A degree not in the table but ending with one that is (法学学士学位
  while the table has only 学士) is recorded as that one with a warning. Lower degrees appear only
  as 简历 study lines; on import such a line becomes an education record when its level can be
  read from the words around the school (研究生/本科/大专/中专, 博士/硕士/学士, 「获…学位」),
  otherwise it is skipped with a warning.
- 简历: the shapes of `resume` (its docstring): periods with `--`, `-`, `—`, `～`, `至`; lines joined
  by CR LF or not at all; 其间 / 期间 nested inline or on a line of its own; study lines ending in
  学习 / 毕业 / 学生 / 本科 …, never turned into posts; posts marked 「（兼）」 are concurrent
  (is_primary False), joined with 「、」 or on a line of their own; every other line is a primary
  post whose title is the text, at the import unit. An open primary post followed by another
  primary post or full-time study ends when the next one starts; the last open one is current.
- 年度考核结果: every year named, `2022年度考核称职，2023年度考核优秀。`, `2021、2022年度称职；…`,
  `2016、2017、2018年均为合格`, `2015年，合格；…`, `2016-2018年度均为称职`; an unknown grade is an
  error, text naming no year is a warning.
- Re-import matches the cadre by 身份证号 (without one: by name and birth month when unique) and
  upserts its records (education by kind+school, appointment by start month+title, family by
  relation+name, assessment by year); records not in the file are kept, nothing is deleted. The
  kept file is replaced by the newest one.
- 照片 (ZhaoPian, JPEG/PNG) is stored through cadre_set_photo (decoded under a pixel limit in a
  limited child process and re-encoded as a clean JPEG; a bad photo fails the file).
- Not imported into records (kept as written and exported back): 奖惩情况 (free text), 现任职务
  (derived from the appointments), 拟任/拟免/任免理由/呈报单位/填表人/填表时间 (they belong to one
  appointment's form).
- Safety: at most 5 MB, strict UTF-8, and any DOCTYPE/ENTITY declaration is refused before the XML
  parser runs, so entity expansion (billion laughs) and external entities are impossible. Every
  file is parsed in a limited child process (`core.sandbox`), one per file; a zip is listed and
  unpacked in a child too, after checking its entries, expanded size and compression ratios
  (`archive`). A killed child is an LrmxError (Chinese) for that file; the others go on.

Modules: `records` (the parsed record, limits, `LrmxError`), `writing` (export, and what is kept
of a file), `reading` and `resume` (parsing), `importing` (into the registry), `archive` (zip
uploads).
"""

from ganbu.cadres.lrmx.archive import zip_members
from ganbu.cadres.lrmx.importing import cadre_keep_lrmx_file, import_lrmx, import_lrmx_record
from ganbu.cadres.lrmx.reading import ALIASES, parse_date, parse_lrmx
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
from ganbu.cadres.lrmx.writing import (
    VERSION,
    cadre_to_lrmx,
    cadres_to_lrmx_zip,
    computed_elements,
    lrmx_filename,
)

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
    "cadre_keep_lrmx_file",
    "cadre_to_lrmx",
    "cadres_to_lrmx_zip",
    "computed_elements",
    "import_lrmx",
    "import_lrmx_record",
    "lrmx_filename",
    "parse_date",
    "parse_lrmx",
    "parse_resume",
    "split_school",
    "zip_members",
]
