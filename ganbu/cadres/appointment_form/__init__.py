"""干部任免审批表 (the national appointment approval form) as a Word document.

The form's text is computed once, by `data.form_data`, and shared with the LRMX exchange file
(`cadres/lrmx/`), so the .docx and the .lrmx of a cadre always say the same thing. Modules:
`texts` (the fields), `resume` (简历), `data` (`form_data`), `word` (the Word layout of the national
template: grids, exact row heights, labels, margins), `layout` (the font-size rule: each filled-in
cell at the largest size from 14 pt down to 8 pt at which its text fits), `files` (file names, zips).

Conventions (see ../shared/REFERENCE.md):
- Dates are month precision, `1985.03`; 出生年月 carries the age at `as_of`: `1985.03（40岁）`
  (the Word form prints the age on a second line, as the template does).
- 简历 (`resume_lines`): one line per period, `1998.07--2003.02  甲镇党政办科员`; an open (current)
  period is written `2016.01--` followed by `OPEN_GAP` and the text. Full-time study is a line of its own
  (`2003.09--2007.07  海南大学法学专业学习`); in-service study is nested in the line of the post it
  started in: `...科员（其间：2005.09--2008.07 在中央党校经济管理专业在职学习）`, or is a line of its own
  (`在...在职学习`) when no post covers it.
- Concurrent posts (is_primary False) carry the mark 「（兼）」. When a concurrent post has exactly the
  period (start and end month) of a primary post it joins that post's line with 「、」
  (`甲镇党委书记、甲镇人大主席（兼）`); otherwise it gets a line of its own
  (`2017.03--      甲镇武装部第一书记（兼）`). The mark keeps the primary/concurrent distinction and
  each post's dates, so an LRMX file imports back into the same appointment records.
- 学历学位 shows the highest record of each kind (full-time / in-service): the 学历 on one row, the
  学位 on the next, each with its school (printed once across both rows when it is the same).
- 家庭主要成员: spouse, children, parents, siblings, others (the first digit of the GB/T 4761 code),
  with 称谓 / 姓名 / 年龄 / 政治面貌 / 工作单位及职务; no age for the deceased.
- 年度考核结果: the last three years up to `as_of`, `2023年度称职；2024年度优秀；2025年度称职。`.
"""

from __future__ import annotations

from ganbu.cadres.appointment_form.data import FormData, form_data
from ganbu.cadres.appointment_form.files import file_stem, unique_name, zip_per_cadre
from ganbu.cadres.appointment_form.resume import (
    CONCURRENT_MARK,
    OPEN_GAP,
    PERIOD_GAP,
    ResumePost,
    ResumeStudy,
    compose_resume,
    period_text,
    resume_line,
    resume_lines,
)
from ganbu.cadres.appointment_form.texts import (
    DECEASED_MARKS,
    FAMILY_ORDER,
    EducationSummary,
    FamilyRow,
    assessment_text,
    birth_text,
    education_summary,
    family_order,
    family_rows,
    month_text,
    party_text,
    photo_bytes,
    rewards_text,
    school_text,
    study_text,
)
from ganbu.cadres.appointment_form.word import (
    appointment_form_docx,
    appointment_form_filename,
    appointment_forms_zip,
    build_appointment_form,
)

__all__ = [
    "CONCURRENT_MARK",
    "DECEASED_MARKS",
    "FAMILY_ORDER",
    "OPEN_GAP",
    "PERIOD_GAP",
    "EducationSummary",
    "FamilyRow",
    "FormData",
    "ResumePost",
    "ResumeStudy",
    "appointment_form_docx",
    "appointment_form_filename",
    "appointment_forms_zip",
    "assessment_text",
    "birth_text",
    "build_appointment_form",
    "compose_resume",
    "education_summary",
    "family_order",
    "family_rows",
    "file_stem",
    "form_data",
    "month_text",
    "party_text",
    "period_text",
    "photo_bytes",
    "resume_line",
    "resume_lines",
    "rewards_text",
    "school_text",
    "study_text",
    "unique_name",
    "zip_per_cadre",
]
