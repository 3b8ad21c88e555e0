"""Chinese text uses full-width punctuation (GB/T 15834) everywhere the system writes it: every
string literal of the code (messages, labels, documents), every template and every script. The
rule is `core.punctuation.half_width_marks`; a line may opt out with a comment containing
"half-width" and the reason (a parser listing both widths)."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

import pytest

from ganbu.core.punctuation import half_width_marks, is_cjk, normalise, to_full_width

ROOT = Path(__file__).resolve().parents[2]  # the ganbu package
_STRING = re.compile(r'^([rRbBuUfF]*)("""|\'\'\'|"|\')(.*)\2$', re.S)
_JS_STRING = re.compile(r"([\"'`])((?:\\.|(?!\1).)*)\1")


def _mask_fields(body: str) -> str:
    """f-string replacement fields replaced by a neutral character (their code is not text)."""
    out, depth = [], 0
    for ch in body:
        if ch == "{":
            depth += 1
        out.append("\ue000" if depth else ch)
        if ch == "}" and depth:
            depth -= 1
    return "".join(out)


def python_offences(source: str) -> list[tuple[int, str]]:
    found = []
    lines = source.split("\n")
    previous = None
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING:
            match = _STRING.match(token.string)
            docstring = previous in (None, tokenize.INDENT, tokenize.DEDENT, tokenize.NEWLINE)
            prefix = match.group(1).lower() if match else "r"
            if match and "r" not in prefix and "b" not in prefix and not docstring:
                body = match.group(3)
                if "f" in prefix:
                    body = _mask_fields(body)
                if half_width_marks(body) and "half-width" not in lines[token.start[0] - 1]:
                    found.append((token.start[0], token.string[:80]))
        if token.type not in (tokenize.NL, tokenize.COMMENT):
            previous = token.type
    return found


_TOKEN = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<[^>]*>")
_VALUE = "\ue002"
# a mark between two printed values, tags between them skipped: 「{{ rule.name }}:{{ text }}」 and
# 「<strong>{{ name }}</strong>:{{ text }}」 join two Chinese texts (a line with no literal Chinese)
_BETWEEN_VALUES = re.compile(rf"{_VALUE}\s*[,:;!?]\s*{_VALUE}")


def _mixed_pair(text: str) -> bool:
    """A parenthesis closed by one of the other width, across tags too: 「（<span>72</span> 人)」."""
    stack: list[str] = []
    for ch in text:
        if ch in "(（":  # half-width and full-width openers
            stack.append(ch)
        elif ch in ")）" and stack and (stack.pop() == "(") != (ch == ")"):  # half-width closer
            return True
    return False


def template_offences(source: str) -> list[tuple[int, str]]:
    """Text between HTML tags, line by line, on lines with Chinese text: a `{{ value }}` counts as
    Chinese (it prints a name or a number inside a Chinese sentence), `{% tag %}` as nothing. On
    any line, a mark between two values (tags skipped) joins two texts, so it is Chinese too."""
    found = []
    in_code = False
    for number, line in enumerate(source.split("\n"), start=1):
        if re.search(r"<script|<style", line):
            in_code = True
        if in_code:
            in_code = not re.search(r"</script>|</style>", line)
            continue
        masked = _TOKEN.sub(
            lambda m: (
                "中" if m.group(0).startswith("{{") else ("\ue001" if m.group(0).startswith("<") else "")
            ),
            line,
        )
        values = _TOKEN.sub(lambda m: _VALUE if m.group(0).startswith("{{") else "", line)
        if _BETWEEN_VALUES.search(values) or _mixed_pair(values):
            found.append((number, line.strip()[:80]))
            continue
        literal = _TOKEN.sub("", line)
        if not any(is_cjk(c) for c in literal):
            continue
        for text in masked.split("\ue001"):
            if half_width_marks(text):
                found.append((number, line.strip()[:80]))
                break
    return found


def script_offences(source: str) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(source.split("\n"), start=1):
        for match in _JS_STRING.finditer(line):
            body = re.sub(r"\$\{[^}]*\}", "\ue000", match.group(2))
            if half_width_marks(body) and "half-width" not in line:
                found.append((number, match.group(0)[:80]))
    return found


def _files(pattern: str) -> list[Path]:
    """Every file of the kind but migrations, vendored libraries and this file (its examples)."""
    return [
        p
        for p in ROOT.rglob(pattern)
        if "migrations" not in p.parts and "vendor" not in p.parts and p != Path(__file__).resolve()
    ]


def test_the_rule_on_examples() -> None:
    assert to_full_width("导入成功:新增 3 户,更新 0 户(试运行)") == "导入成功：新增 3 户，更新 0 户（试运行）"
    assert (
        to_full_width("无法读取文件:请上传 Excel 工作簿(.xlsx)")
        == "无法读取文件：请上传 Excel 工作簿（.xlsx）"
    )
    for untouched in ("1,000人", "10:30 开会", "a, b (c)", "SHA-256"):
        assert to_full_width(untouched) == untouched
    assert normalise("（兼）：，") == "(兼):,"


@pytest.mark.parametrize(
    ("kind", "pattern", "check"),
    [
        ("python", "*.py", python_offences),
        ("templates", "*.html", template_offences),
        ("scripts", "*.js", script_offences),
    ],
)
def test_no_half_width_punctuation_inside_chinese_text(kind: str, pattern: str, check: object) -> None:
    offences = []
    for path in _files(pattern):
        for line, text in check(path.read_text(encoding="utf-8")):  # type: ignore[operator]
            offences.append(f"{path.relative_to(ROOT.parent)}:{line}: {text}")
    assert not offences, f"half-width punctuation inside Chinese text ({kind}):\n" + "\n".join(offences)


def test_the_check_catches_a_half_width_message() -> None:
    assert python_offences('x = f"第{n}行:姓名不能为空"\n')
    assert not python_offences('x = f"第{n}行：姓名不能为空"\n')
    assert not python_offences('x = "(兼)"  # half-width: the parser accepts both\n')
    assert template_offences("<p>共 {{ n }} 人,其中女干部</p>")
    assert template_offences("<p>{{ a }} 修改{% if r %}:{{ r }}{% endif %}</p>")
    assert not template_offences("<p>{{ a }} 修改{% if r %}：{{ r }}{% endif %}</p>")
    assert script_offences("alert('保存失败:' + e);")
    # tour 13: a pair of mixed widths, and a mark between two printed values
    assert python_offences('x = f"到龄名单（{n} 人)"\n')
    assert template_offences("<div>到龄名单（{{ n }} 人{% if t %}，完整名单请导出 Excel{% endif %})</div>")
    assert not template_offences(
        "<div>到龄名单（{{ n }} 人{% if t %}，完整名单请导出 Excel{% endif %}）</div>"
    )
    assert template_offences("<div>名单（<span>{{ n }}</span> 人)</div>")
    assert template_offences("<div>✗ {{ f.rule.name }}:{{ f.text }}</div>")
    assert template_offences("<li><strong>{{ name }}</strong>:{{ text }}</li>")
    assert not template_offences("<li><strong>{{ name }}</strong>：{{ text }}</li>")
    assert not template_offences('<a href="{{ url }}?a={{ b }}">{{ n }}</a>')


CODE_LISTS = ROOT / "org" / "data" / "code-lists-2018.tsv"


def test_the_shown_data_files_use_full_width_punctuation() -> None:
    """Data the pages show as it is stored: the code-table values (the first column names the
    national table and is not shown). Data kept in Python (the 驻村干部's «六大员») is a string
    literal, checked above; what joins it on a page is a template, checked above too."""
    shown = [
        line.split("\t")[1]
        for line in CODE_LISTS.read_text(encoding="utf-8").split("\n")
        if line and not line.startswith("#") and "\t" in line
    ]
    assert len(shown) > 10
    assert not [text for text in shown if half_width_marks(text)]


def test_a_filter_form_is_reset_with_one_word() -> None:
    """Every filter form resets with 「清空」 (tour 13: 干部档案 said 清空, 记实 and 账号管理 清除)."""
    offences = [
        f"{path.relative_to(ROOT.parent)}:{number}"
        for path in _files("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1)
        if re.search(r">\s*(清除|重置)(筛选|条件)?\s*</a>", line)
    ]
    assert not offences, "reset a filter with 「清空」:\n" + "\n".join(offences)
