"""Property-based tests (Hypothesis) of the apps' parsers of outside input, beside the kernel's
(`core/tests/test_fuzz.py`): 身份证号, LRMX files, ballot answers (the service and the JSON API) and
code-table values. Whatever the input, the parser answers with a value or the app's own coded error
with a Chinese message, never another exception; an accepted value keeps its meaning (an accepted
身份证号 gives back its birth date, an accepted ballot is counted once) and a refusal changes nothing.

Examples per test: FUZZ_EXAMPLES for the pure parsers, LRMX_EXAMPLES for LRMX files (parsed in this
process, as the sandbox's child parses them), DB_EXAMPLES for those on the database. Those share the
function-scoped fixtures (set up once for all examples), and each example runs in a savepoint that is
rolled back (`rolled_back`), so no example sees another's rows."""

from __future__ import annotations

import base64
import json
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from ganbu.ballots import errors as ballot_errors
from ganbu.ballots import rules as ballot_rules
from ganbu.ballots import services as ballots
from ganbu.ballots.models import BallotBox, BallotCode, BallotSession, Tally
from ganbu.ballots.tests.factories import approval_session, issue, open_, recommendation_session
from ganbu.cadres import errors as cadre_errors
from ganbu.cadres import services as registry
from ganbu.cadres.imports import id_number_error, parse_id_cell
from ganbu.cadres.lrmx import LrmxError, LrmxRecord, parse_lrmx
from ganbu.cadres.models import Cadre
from ganbu.cadres.rules import ID_PROVINCES, IdInfo, make_id_number, parse_id_number
from ganbu.cadres.tests.test_lrmx import minimal_lrmx
from ganbu.core.punctuation import normalise, to_full_width
from ganbu.core.spreadsheet import code_text
from ganbu.org import services as org_services
from ganbu.org.codes import CODE_TABLES, SYNONYMS
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

FUZZ_EXAMPLES = 200
DB_EXAMPLES = 100
LRMX_EXAMPLES = 150
fuzz = settings(max_examples=FUZZ_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Function-scoped fixtures (the database, the world) are set up once for all examples of a test;
# each example runs in `rolled_back` and compares the state before and after itself.
fuzz_db = settings(
    max_examples=DB_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

ASCII_ID = re.compile(r"[0-9]{17}[0-9X]")


def chinese(message: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in message)


@contextmanager
def rolled_back() -> Iterator[None]:
    """One example in a savepoint that is undone afterwards: examples (and Hypothesis' replay of a
    failing one) never see each other's rows."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def codes(db: None) -> registry.CodeBook:
    org_services.code_tables_ensure()
    return registry.CodeBook()


# --- 身份证号 ------------------------------------------------------------------------------------

# region codes of a province (GB/T 2260, cadres.rules.ID_PROVINCES); births up to the suite's today
areas = st.builds(
    lambda province, rest: province + rest,
    st.sampled_from(sorted(ID_PROVINCES)),
    st.from_regex(r"[0-9]{4}", fullmatch=True),
)
births = st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 11, 16))
genders = st.sampled_from(["1", "2"])
valid_ids = st.builds(make_id_number, areas, births, st.integers(0, 499), genders)

# A digit written in another script keeps its value (int("５") == 5), so the check digit still fits.
OTHER_DIGITS = ("\uff10", "\u0660", "\u0966", "\u1810", "\U0001d7ce")  # full-width, Arabic, Devanagari…


@st.composite
def mutated_ids(draw: st.DrawFn, numbers: st.SearchStrategy[str] = valid_ids) -> str:
    """A valid number with one to three characters changed (among them: a digit written in another
    script, a lower-case x, white space)."""
    number = list(draw(numbers))
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, 17))
        how = draw(st.sampled_from(["script", "char", "delete", "case", "space"]))
        if how == "script" and number[i].isdigit():
            number[i] = chr(ord(draw(st.sampled_from(OTHER_DIGITS))) + int(number[i]))
        elif how == "char":
            number[i] = draw(st.characters(codec="utf-8"))
        elif how == "delete":
            number[i] = ""
        elif how == "case":
            number[i] = number[i].lower()
        else:
            number[i] = draw(st.sampled_from([" ", "\u3000", "\t", "\n"])) + number[i]
    return "".join(number)


id_texts = st.one_of(
    st.text(max_size=24),
    st.from_regex(r"\s*[0-9]{17}[0-9Xx]\s*", fullmatch=True),
    valid_ids,
    mutated_ids(),
    st.from_regex(r"[0-9]{6}(1[89]|20)[0-9]{2}(0[0-9]|1[0-3])([0-3][0-9])[0-9]{3}[0-9X]", fullmatch=True),
)


@fuzz
@given(id_texts)
@example("٤٦٩٠٩٩١٩٩٠٠٥٠٦٠٤٣X")  # 46909919900506043X in Arabic-Indic digits
def test_an_id_number_is_refused_in_chinese_or_accepted_with_its_own_birth_date(text: str) -> None:
    try:
        info = parse_id_number(text)
    except ValueError as exc:
        event("refused")
        assert chinese(str(exc))
        return
    event("accepted")
    number = text.strip().upper()
    # only the 18 ASCII characters of GB 11643: a number in other digits would be stored as it was
    # typed and pass the uniqueness check beside the same number in ASCII
    assert ASCII_ID.fullmatch(number)
    assert info.birth_date == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert info.birth_date.year >= 1900
    assert info.gender == ("1" if int(number[16]) % 2 else "2")


@fuzz
@given(areas, births, st.integers(0, 499), genders)
def test_a_made_id_number_round_trips_its_birth_date_and_gender(
    area: str, born: date, sequence: int, gender: str
) -> None:
    number = make_id_number(area, born, sequence, gender)
    assert parse_id_number(number) == IdInfo(birth_date=born, gender=gender)
    assert parse_id_number(f" {number.lower()} ") == IdInfo(birth_date=born, gender=gender)


id_cells = st.one_of(
    id_texts,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**19), max_value=10**19),
    st.floats(allow_nan=True, allow_infinity=True),
    valid_ids.filter(lambda n: n[-1] != "X").map(int),  # a number typed into Excel as a number
)


@fuzz
@given(id_cells, st.one_of(st.none(), births), st.sampled_from([None, "", "1", "2", "9"]))
def test_an_id_number_cell_of_an_import_row_is_a_text_or_a_chinese_reason(
    cell: object, born: date | None, gender: str | None
) -> None:
    try:
        number = parse_id_cell(cell)
    except ValueError as exc:
        assert chinese(str(exc))
        return
    assert number == number.strip() and number == number.upper()
    problem = id_number_error(number, born, gender)
    if problem is not None:
        assert chinese(problem)
        return
    info = parse_id_number(number)
    assert ASCII_ID.fullmatch(number)
    assert born is None or info.birth_date == born
    assert gender not in ("1", "2") or info.gender == gender


FIXED_BIRTH = date(1985, 3, 4)
# numbers of a man born on FIXED_BIRTH: the registry accepts them for the record below
his_ids = st.builds(make_id_number, areas, st.just(FIXED_BIRTH), st.integers(0, 499), st.just("1"))
REGISTERED = make_id_number("469099", FIXED_BIRTH, 7, "1")  # already in the registry


def as_ascii(text: str) -> str:
    """The number a text spells, whatever the script of its digits."""
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text.strip().upper())


@fuzz_db
@given(st.one_of(id_texts, his_ids, mutated_ids(his_ids), mutated_ids(st.just(REGISTERED))))
def test_the_registry_refuses_a_bad_id_number_with_its_code_and_stores_nothing(
    world: World, codes: registry.CodeBook, text: str
) -> None:
    data = {
        "name": "测试",
        "gender": "1",
        "ethnicity": "01",
        "birth_date": FIXED_BIRTH,
        "political_status": "13",
        "personnel_category": "1",
        "id_number": text,
    }
    with rolled_back():
        make_cadre(world.town_a, "已登记", birth_date=FIXED_BIRTH, id_number=REGISTERED)
        before = Cadre.objects.count()
        try:
            cadre = registry.cadre_create(data=data, unit=world.town_a, actor=None, codes=codes)
        except ValidationError as exc:
            event("refused")
            assert set(exc.message_dict) == {"id_number"}
            assert all(chinese(m) for m in exc.message_dict["id_number"])
            assert {e.code for e in exc.error_dict["id_number"]} == {cadre_errors.CADRE_INVALID}
            assert Cadre.objects.count() == before
            return
        event("accepted")
        cadre.refresh_from_db()
        assert Cadre.objects.count() == before + 1
        if cadre.id_number is None:
            assert not text.strip()
            return
        assert as_ascii(text) != REGISTERED  # the same person is never registered twice
        assert cadre.id_number == text.strip().upper() and ASCII_ID.fullmatch(cadre.id_number)
        info = parse_id_number(cadre.id_number)
        assert (info.birth_date, info.gender) == (cadre.birth_date, cadre.gender) == (FIXED_BIRTH, "1")


# --- LRMX ---------------------------------------------------------------------------------------

ELEMENTS = [
    "XingMing",
    "XingBie",
    "ChuShengNianYue",
    "MinZu",
    "ShenFenZheng",
    "RuDangShiJian",
    "CanJiaGongZuoShiJian",
    "JiGuan",
    "JianKangZhuangKuang",
    "QuanRiZhiJiaoYu_XueLi",
    "QuanRiZhiJiaoYu_XueWei",
    "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "QuanRiZhiJiaoYu_XueWei_BiYeYuanXiaoXi",
    "ZaiZhiJiaoYu_XueLi",
    "ZaiZhiJiaoYu_XueWei",
    "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi",
    "JianLi",
    "NianDuKaoHeJieGuo",
    "JiSuanNianLingShiJian",
    "ZhaoPian",
    "XianRenZhiWu",
]
FIXTURE_ID = make_id_number("469099", date(1990, 5, 6), 21, "1")  # ShenFenZheng of minimal_lrmx()
CODE_NAMES = [name for _, _, items in CODE_TABLES.values() for _, name, *_ in items]

months = st.from_regex(r"(1[89]|20|00|99)[0-9]{2}[.．/-]?[01][0-9]", fullmatch=True)
resume_lines = st.from_regex(
    r"((19|20)[0-9]{2}\.[01][0-9](--|—|至)((19|20)[0-9]{2}\.[01][0-9]|至今)? {0,2}"
    r"[甲镇科员海南大学本科研究生在职学习兼、()（）其间:：;0-9.\-]{0,16}\n){0,4}",
    fullmatch=True,
)
element_values = st.one_of(
    st.text(max_size=30),
    months,
    st.from_regex(r"[0-9]{8}", fullmatch=True),
    resume_lines,
    st.from_regex(
        r"([0-9]{4}年度?[:：]?(称职|优秀|基本称职|不称职|很好|被评定为优秀)[；;。，]?){0,3}", fullmatch=True
    ),
    st.sampled_from(CODE_NAMES),
    st.sampled_from(
        [
            "男",
            "女",
            "汉",
            "民盟",
            "大学",
            "法学学士",
            "200607(预备党员)",  # half-width: parsers accept both
            "201206",
            "群众",
            "无",
        ]
    ),
    valid_ids,
    mutated_ids(st.just(FIXTURE_ID)),  # the fixture's own number (its birth month is the file's)
    st.from_regex(r"[A-Za-z0-9+/=\s]{0,24}", fullmatch=True),  # base64-ish photos
)


def names_of(table: str) -> st.SearchStrategy[str]:
    return st.sampled_from([name for _, name, *_ in CODE_TABLES[table][2]])


# values an element may well hold (so that many mutated files still parse)
PLAUSIBLE: dict[str, st.SearchStrategy[str]] = {
    "XingMing": st.text(alphabet="陈明张 　三", min_size=1, max_size=4),
    "XingBie": st.sampled_from(["男", "女", "1", "2", ""]),
    "ChuShengNianYue": st.sampled_from(["199005", "1990.05", "1990-05", "", "199006", "19905"]),
    "MinZu": st.one_of(names_of("ethnicity"), st.sampled_from(["汉", "回", "苗 族"])),
    "ShenFenZheng": st.one_of(
        st.sampled_from([FIXTURE_ID, FIXTURE_ID.lower(), ""]), mutated_ids(st.just(FIXTURE_ID))
    ),
    "RuDangShiJian": st.one_of(
        months,
        st.sampled_from(
            ["201206(预备党员)", "201206（预备党员）", "民盟", "群众", "", "2012"]  # half-width: both
        ),
    ),
    "CanJiaGongZuoShiJian": months,
    "QuanRiZhiJiaoYu_XueLi": names_of("education"),
    "QuanRiZhiJiaoYu_XueWei": st.one_of(names_of("degree"), st.just("法学学士")),
    "ZaiZhiJiaoYu_XueLi": names_of("education"),
    "ZaiZhiJiaoYu_XueWei": names_of("degree"),
    "JianLi": resume_lines,
    "NianDuKaoHeJieGuo": st.from_regex(r"(20[0-9]{2}年度(称职|优秀|基本称职)[；;。]){0,3}", fullmatch=True),
    "JiSuanNianLingShiJian": st.from_regex(r"20[0-9]{2}[01][0-9][0-3][0-9]", fullmatch=True),
    "ZhaoPian": st.binary(max_size=30).map(lambda raw: base64.b64encode(raw).decode()),
}
family_items = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(["父亲", "母亲", "妻", "长子", "表哥", ""]), st.text(max_size=4)),
        st.one_of(st.sampled_from(["陈大", "", " "]), st.text(max_size=4)),
        st.one_of(st.none(), months, st.from_regex(r"[0-9]{8}", fullmatch=True), st.text(max_size=8)),
        st.one_of(st.none(), st.sampled_from(CODE_NAMES), st.text(max_size=6)),
    ),
    max_size=3,
)


@st.composite
def lrmx_with_values(draw: st.DrawFn) -> bytes:
    """The valid fixture file with some element texts (and the family) replaced, mostly escaped."""
    overrides: dict[str, str] = {}
    for tag in draw(st.lists(st.sampled_from(ELEMENTS), max_size=4, unique=True)):
        value = draw(st.one_of(PLAUSIBLE.get(tag, st.text(max_size=12)), element_values))
        overrides[tag] = escape(value) if draw(st.integers(0, 9)) else value
    items = draw(st.one_of(st.none(), family_items))
    if items is not None:
        parts = []
        for relation, name, born, political in items:
            part = f"<ChengWei>{escape(relation)}</ChengWei><XingMing>{escape(name)}</XingMing>"
            if born is not None:
                part += f"<ChuShengRiQi>{escape(born)}</ChuShengRiQi>"
            if political is not None:
                part += f"<ZhengZhiMianMao>{escape(political)}</ZhengZhiMianMao>"
            parts.append(f"<Item>{part}</Item>")
        overrides["_family"] = "".join(parts)
    return minimal_lrmx(**overrides)


@st.composite
def lrmx_with_broken_bytes(draw: st.DrawFn) -> bytes:
    """The valid fixture file with a few bytes deleted, inserted or replaced."""
    data = bytearray(draw(lrmx_with_values()) if draw(st.booleans()) else minimal_lrmx())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(["delete", "insert", "replace"]))
        chunk = draw(
            st.one_of(
                st.binary(min_size=1, max_size=6),
                st.sampled_from([b"<", b">", b"&", b"\x00", b"\xff", b"]]>", b"<!DOCTYPE x>", b"</Person>"]),
            )
        )
        if how == "delete":
            del data[at : at + len(chunk)]
        elif how == "insert":
            data[at:at] = chunk
        else:
            data[at : at + len(chunk)] = chunk
    return bytes(data)


tags = st.one_of(
    st.sampled_from(["Person", "Item", "JiaTingChengYuan", *ELEMENTS]),
    st.from_regex(r"[A-Za-z_][\w.-]{0,8}", fullmatch=True),
)
xml_texts = st.one_of(
    st.text(max_size=12).map(escape),
    st.text(max_size=12),
    st.sampled_from(
        ["&amp;", "&lt;", "&#x0;", "&#20013;", "&foo;", "<![CDATA[x]]>", "<!-- c -->", "<?pi x?>"]
    ),
)
xml_nodes = st.recursive(
    xml_texts,
    lambda children: st.builds(
        lambda tag, attrs, inner: f"<{tag}{attrs}>{''.join(inner)}</{tag}>",
        tags,
        st.sampled_from(["", ' a="1"', " xmlns='urn:x'", ' a="<"', " a"]),
        st.lists(children, max_size=4),
    ),
    max_leaves=12,
)
xml_heads = st.sampled_from(
    [
        "",
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-16"?>',
        '<?xml version="1.0" encoding="GB2312"?>',
        '<?xml version="1.1"?>',
        "\ufeff",
        '<!DOCTYPE Person [<!ENTITY x "y">]>',
        "<! doctype Person>",
        "  \n",
    ]
)


@st.composite
def xmlish_files(draw: st.DrawFn) -> bytes:
    text = draw(xml_heads) + draw(st.one_of(xml_nodes, xml_nodes.map(lambda n: f"<Person>{n}</Person>")))
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-16", "gb18030", "latin-1"]))
    return text.encode(encoding, errors="replace")


lrmx_files = st.one_of(
    st.binary(max_size=300),
    xmlish_files(),
    lrmx_with_values(),
    lrmx_with_values(),  # twice as often: most files that parse come from here
    lrmx_with_broken_bytes(),
)


def check_record(record: LrmxRecord, codes: registry.CodeBook) -> None:
    """What every parsed record holds, whatever the file: codes from the code tables, a name, a
    身份证号 of GB 11643 whose birth date is the record's, a party date only for party members."""
    assert record.name and not re.search(r"\s", record.name)
    for table, value in (
        ("gender", record.gender),
        ("ethnicity", record.ethnicity),
        ("political_status", record.political_status),
    ):
        assert codes.valid(table, value), (table, value)
    if record.id_number:
        assert ASCII_ID.fullmatch(record.id_number)
        info = parse_id_number(record.id_number)
        assert info.birth_date == record.birth_date
    assert record.party_joined_on is None or record.political_status in ("01", "02")
    for member in record.family:
        assert member.name and codes.valid("family_relation", member.relation)
        assert not member.political_status or codes.valid("political_status", member.political_status)
    for start, end, text in record.resume:
        assert text and (end is None or end >= start)
    for post in record.appointments:
        assert post.ended_on is None or post.ended_on >= post.started_on


@settings(fuzz_db, max_examples=LRMX_EXAMPLES)
@given(lrmx_files)
def test_an_lrmx_file_is_parsed_whole_or_refused_with_a_chinese_error(
    codes: registry.CodeBook, data: bytes
) -> None:
    try:
        # in this process: the parsing the sandbox's child runs, without a child per example
        record = parse_lrmx(data, codes=codes, sandboxed=False)
    except LrmxError as exc:
        event("refused")
        assert chinese(str(exc))
        return
    event("accepted")
    check_record(record, codes)


def test_the_fixture_file_parses_and_holds_the_properties(codes: registry.CodeBook) -> None:
    """The mutations start from a file the parser accepts (otherwise they would test only refusals)."""
    check_record(parse_lrmx(minimal_lrmx(), codes=codes, sandboxed=False), codes)


# --- ballot answers -----------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=10,
)
APPROVAL_SUBJECTS = ["张三", "李四"]
CANDIDATES = ["甲", "乙", "丙", "丁"]

choices = st.one_of(
    st.sampled_from(ballot_rules.APPROVAL_OPTIONS),
    st.sampled_from(["同意 ", "优秀", "", "同 意"]),
    json_values,
)
approval_answers = st.one_of(
    json_values,
    st.fixed_dictionaries(dict.fromkeys(APPROVAL_SUBJECTS, st.sampled_from(ballot_rules.APPROVAL_OPTIONS))),
    st.fixed_dictionaries(  # every subject, maybe with more
        dict.fromkeys(APPROVAL_SUBJECTS, choices), optional={"王五": choices, "": choices}
    ),
    st.dictionaries(st.one_of(st.sampled_from(APPROVAL_SUBJECTS), st.text(max_size=3)), choices, max_size=3),
)
names = st.one_of(st.sampled_from([*CANDIDATES, "戊", "己 ", "　庚", "Ａ", "甲", ""]), st.text(max_size=22))
recommendation_answers = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {},
        optional={
            "chosen": st.one_of(
                st.lists(st.one_of(st.sampled_from(CANDIDATES), names), max_size=4), json_values
            ),
            "write_in": st.one_of(st.lists(names, max_size=3), json_values),
            "extra": json_values,
        },
    ),
)

State = tuple[dict[str, int], int, dict[str, dict[str, int]], int]


@dataclass(frozen=True)
class Box:
    """An open session and one of its unused codes (every example is rolled back, so it stays
    unused)."""

    session: BallotSession
    code: str

    def state(self) -> State:
        """The counters, the number received, the written-in names and the unused codes."""
        box = BallotBox.objects.get(session=self.session)
        counters = dict(Tally.objects.filter(session=self.session).values_list("key", "count"))
        return counters, box.received, box.write_ins, BallotCode.objects.filter(session=self.session).count()


@pytest.fixture
def approval_box(world: World) -> Box:
    session = approval_session(world.county, expected=11, subjects=APPROVAL_SUBJECTS)
    code = issue(session, 1)[0]
    open_(session, 常委=11)
    return Box(session, code)


@pytest.fixture
def recommendation_box(world: World) -> Box:
    session = recommendation_session(world.county, max_choices=2, allow_write_in=True, subjects=CANDIDATES)
    code = issue(session, 1)[0]
    open_(session, 乡镇干部=40)
    return Box(session, code)


def cast(box: Box, answers: object) -> tuple[State, State] | None:
    """Cast `answers` with the box's code: the states before and after, or None when refused. A
    refusal must be the ballot_invalid error in Chinese and leave the counters, the box and the
    code as they were."""
    before = box.state()
    try:
        ballots.ballot_cast(code=box.code, answers=answers)
    except ValidationError as exc:
        event("refused")
        assert ballot_errors.first_code(exc) == ballot_errors.BALLOT_INVALID
        assert exc.messages and chinese(exc.messages[0])
        assert box.state() == before  # nothing counted, the code still usable
        return None
    event("counted")
    after = box.state()
    assert after[1] == before[1] + 1 and after[3] == before[3] - 1  # one more ballot, the code used
    return before, after


def changed(before: State, after: State) -> dict[str, int]:
    return {key: after[0][key] - before[0][key] for key in after[0] if after[0][key] != before[0][key]}


@fuzz_db
@given(approval_answers)
def test_an_approval_ballot_is_counted_once_or_refused_without_a_trace(
    approval_box: Box, answers: object
) -> None:
    with rolled_back():
        states = cast(approval_box, answers)
    if states is None:
        return
    assert isinstance(answers, dict) and set(answers) == set(APPROVAL_SUBJECTS)
    assert all(answers[s] in ballot_rules.APPROVAL_OPTIONS for s in APPROVAL_SUBJECTS)
    before, after = states
    assert after[2] == before[2]  # no written-in names on an approval ballot
    counted = changed(before, after)
    assert set(counted.values()) == {1} and len(counted) == 1 + len(
        APPROVAL_SUBJECTS
    )  # received, one a subject


@fuzz_db
@given(recommendation_answers)
def test_a_recommendation_is_counted_once_or_refused_without_a_trace(
    recommendation_box: Box, answers: object
) -> None:
    with rolled_back():
        states = cast(recommendation_box, answers)
    if states is None:
        return
    assert isinstance(answers, dict) and set(answers) <= {"chosen", "write_in"}
    chosen, written = answers.get("chosen", []), answers.get("write_in", [])
    assert len(chosen) + len(written) <= 2 and set(chosen) <= set(CANDIDATES)
    before, after = states
    counted = changed(before, after)
    assert set(counted.values()) <= {1} and len(counted) == 1 + len(chosen)
    names_before = sum(sum(group.values()) for group in before[2].values())
    names_after = sum(sum(group.values()) for group in after[2].values())
    assert names_after - names_before == len(written)
    for name in written:
        counted_as = "".join(unicodedata.normalize("NFKC", name).split())
        assert any(counted_as in group for group in after[2].values())


api_bodies = st.one_of(
    st.binary(max_size=200).map(lambda raw: ("raw", raw)),
    st.text(max_size=60).map(lambda text: ("raw", text.encode())),
    approval_answers.map(lambda answers: ("answers", answers)),
    json_values.map(lambda payload: ("payload", payload)),
    st.integers(1, 5000).map(lambda depth: ("nested", depth)),
)
API_STATUSES = {201, 400, 404, 409, 415, 423}


@fuzz_db
@given(api_bodies)
@example(("nested", 3000))  # {"answers": [[[…]]]}: deeper than the JSON parser's recursion limit
def test_the_ballot_api_answers_every_body_with_a_status_and_never_a_server_error(
    approval_box: Box, body: tuple[str, Any]
) -> None:
    kind, value = body
    code = approval_box.code
    if kind == "raw":
        data = value
    elif kind == "answers":
        data = json.dumps({"code": code, "answers": value}).encode()
    elif kind == "payload":
        data = json.dumps(value).encode()
    else:
        data = f'{{"code": "{code}", "answers": {"[" * value}{"]" * value}}}'.encode()
    with rolled_back():
        before = approval_box.state()
        response = Client().post(reverse("ballots_api:submit"), data=data, content_type="application/json")
        after = approval_box.state()
    assert response.status_code in API_STATUSES, response.content[:200]
    event(str(response.status_code))
    answer = response.json()
    if response.status_code == 201:
        assert after[1] == before[1] + 1
        return
    error = answer["error"]
    message = error["message"] if isinstance(error, dict) else error  # InputGuard answers in its own shape
    assert chinese(message)
    assert after == before


# --- code tables --------------------------------------------------------------------------------

TABLES = sorted(CODE_TABLES)
ENTRIES = [(table, code, name) for table, (_, _, items) in CODE_TABLES.items() for code, name, *_ in items]


def loose(text: str) -> str:
    """Names compared as the parsers compare them: either width of punctuation, no white space."""
    return re.sub(r"\s+", "", normalise(text))


@st.composite
def spelled_names(draw: st.DrawFn) -> tuple[str, str, str]:
    """(table, the name of one of its entries as a person may type it, that name)."""
    table, _, name = draw(st.sampled_from(ENTRIES))
    text = to_full_width(name) if draw(st.booleans()) else normalise(name)
    spaces = draw(
        st.lists(st.tuples(st.integers(0, len(text)), st.sampled_from([" ", "\u3000", "\t"])), max_size=3)
    )
    for at, space in sorted(spaces, reverse=True):
        text = text[:at] + space + text[at:]
    return table, text, name


@st.composite
def table_values(draw: st.DrawFn) -> tuple[str, str]:
    """(a table, a text): the names and codes of that table, of other tables, and any text."""
    table = draw(st.sampled_from([*TABLES, "no_such_table"]))
    own = [text for t, code, name in ENTRIES if t == table for text in (code, name)] or ["01"]
    text = draw(
        st.one_of(
            st.sampled_from(own),
            st.sampled_from([name for _, _, name in ENTRIES]),
            st.text(max_size=12),
            st.integers(-5, 120).map(code_text),  # a code typed as a number: 1, 1.0
            st.floats(allow_nan=True).map(code_text),
        )
    )
    return table, text


@fuzz_db
@given(table_values())
@example(value=("personnel_category", "其他"))  # a synonym (其他 → 其他人员), found by the fuzzer
def test_a_code_table_value_is_a_code_of_that_table_or_none(
    codes: registry.CodeBook, value: tuple[str, str]
) -> None:
    table, text = value
    code = codes.code_for(table, text)
    event("none" if code is None else "code")
    if code is None:
        assert not codes.valid(table, text)
        return
    assert codes.valid(table, code)
    synonym = next(
        (name for said, name in SYNONYMS.get(table, {}).items() if loose(said) == loose(text)), None
    )
    assert code == text or loose(codes.name(table, code)) in (loose(text), loose(synonym or ""))


@fuzz_db
@given(spelled_names())
def test_a_code_table_name_is_found_whatever_its_spacing_and_punctuation_width(
    codes: registry.CodeBook, spelled: tuple[str, str, str]
) -> None:
    table, text, name = spelled
    code = codes.code_for(table, text)
    assert code is not None and loose(codes.name(table, code)) == loose(name)
