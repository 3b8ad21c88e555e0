"""A parsed LRMX file (`LrmxRecord`, code-valued fields already holding codes), the limits on
input, and the error every reader raises."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ganbu.core.sandbox import Limits

MAX_BYTES = 5 * 1024 * 1024  # one .lrmx file (a photo in base64 is well under 1 MB)
MAX_ZIP_MEMBERS = 5000  # entries of an uploaded zip (directories included)
MAX_ZIP_EXPANDED_BYTES = 1024 * 1024 * 1024  # all members of a zip, declared and as read
MAX_ZIP_RATIO = 100  # a member expanding more than this is a zip bomb (LRMX XML compresses ~5–20×)
# The children that parse (one per file) and unpack a zip: what an .lrmx of MAX_BYTES needs is a
# few tens of MB; the zip child only copies members to files of at most MAX_BYTES + 1.
PARSE_LIMITS = Limits(memory_mb=1024, cpu_seconds=30, wall_seconds=60, output_mb=64)
ZIP_LIMITS = Limits(memory_mb=1024, cpu_seconds=300, wall_seconds=600, output_mb=16)
SKIPPED = "不是 .lrmx 文件，已跳过"
TOO_LARGE = f"文件超过 {MAX_BYTES // (1024 * 1024)} MB，拒绝导入"


class LrmxError(ValueError):
    """Bad LRMX input; the message is Chinese and names the element."""


def norm(text: str) -> str:
    """Text without white space (for comparing schools, titles)."""
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class LrmxEducation:
    kind: str  # EducationKind
    education: str  # code, may be ""
    degree: str  # code, may be ""
    school: str
    major: str
    started_on: date | None = None
    ended_on: date | None = None


@dataclass(frozen=True)
class LrmxAppointment:
    title: str
    started_on: date
    ended_on: date | None
    is_primary: bool = True


@dataclass(frozen=True)
class LrmxFamilyMember:
    relation: str  # code
    name: str
    birth_date: date | None
    political_status: str  # code or ""
    workplace: str


ResumeLine = tuple[date, date | None, str]

# One element of the file as written, in the file's order (JSON-able, kept with the record):
# {"tag": …, "text": …} for a leaf, {"tag": "JiaTingChengYuan", "items": [[[child, text], …], …]}
# for the family table, {"tag": …, "xml": …} for any other element with children.
RawElement = dict[str, Any]


@dataclass
class LrmxRecord:
    """One parsed LRMX file; code-valued fields already hold codes."""

    name: str
    gender: str
    ethnicity: str
    birth_date: date
    id_number: str
    political_status: str
    party_joined_on: date | None
    work_started_on: date | None
    native_place: str = ""
    birthplace: str = ""
    health: str = ""
    professional_title: str = ""
    expertise: str = ""
    current_title: str = ""
    proposed_post: str = ""
    proposed_removal: str = ""
    reason: str = ""
    rewards_text: str = ""
    reporting_unit: str = ""
    filled_by: str = ""
    filled_on: str = ""
    age_as_of: date | None = None
    age_limit_before_reform: str = ""  # GaiGeQianRenZhiNianLingJieXian, as written
    age_limit_month: str = ""  # DaoLingNianYue, as written
    version: str = ""
    photo: bytes | None = None
    resume: list[ResumeLine] = field(default_factory=list)
    educations: list[LrmxEducation] = field(default_factory=list)
    appointments: list[LrmxAppointment] = field(default_factory=list)
    assessments: list[tuple[int, str]] = field(default_factory=list)  # (year, grade code)
    family: list[LrmxFamilyMember] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    elements: list[RawElement] = field(default_factory=list)  # the whole file as written

    def cadre_data(self) -> dict[str, Any]:
        """The editable cadre fields for cadre_create / cadre_update."""
        return {
            "name": self.name,
            "gender": self.gender,
            "ethnicity": self.ethnicity,
            "birth_date": self.birth_date,
            "id_number": self.id_number or None,
            "political_status": self.political_status,
            "party_joined_on": self.party_joined_on,
            "work_started_on": self.work_started_on,
            "native_place": self.native_place,
            "birthplace": self.birthplace,
            "health": self.health,
            "professional_title": self.professional_title,
            "expertise": self.expertise,
        }
