"""The boundaries of docs/architecture.md that import-linter cannot see:

- no app queries another app's tables (`OtherModel.objects…`, `._default_manager`): it uses the
  owner's selectors and services (a form's empty `Model.objects.none()` placeholder is allowed);
- every audit action the code writes has a Chinese label in its app's `events.py` (`EVENTS`);
- the `services` and `selectors` packages declare their public API (`__all__`);
- no source file over 600 lines unless docs/architecture.md names it with the reason.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]  # the ganbu package
APPS = sorted(c.label for c in apps.get_app_configs() if c.name.startswith("ganbu."))
ARCHITECTURE = (ROOT.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
LINE_LIMIT = 600


def _sources(app: str) -> list[Path]:
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts and "tests" not in p.parts]


def _model_owners() -> dict[str, str]:
    """{"ganbu.cadres.models.Cadre": "cadres", …} for every model of the project's apps."""
    return {
        f"{m.__module__}.{m.__name__}": m._meta.app_label
        for m in apps.get_models()
        if m.__module__.startswith("ganbu.")
    }


def _foreign_queries(source: str, where: str, app: str, owners: dict[str, str]) -> list[str]:
    tree = ast.parse(source)
    imported: dict[str, str] = {}  # local name → owning app, for models of other apps
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                owner = owners.get(f"{node.module}.{alias.name}")
                if owner and owner != app:
                    imported[alias.asname or alias.name] = owner
    lines = source.split("\n")
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ("objects", "_default_manager", "_base_manager")
            and isinstance(node.value, ast.Name)
            and node.value.id in imported
            and ".objects.none()" not in lines[node.lineno - 1]  # a form field's empty placeholder
        ):
            found.append(f"{where}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("app", APPS)
def test_no_app_queries_another_apps_tables(app: str) -> None:
    owners = _model_owners()
    offences = [
        o
        for path in _sources(app)
        for o in _foreign_queries(
            path.read_text(encoding="utf-8"), str(path.relative_to(ROOT.parent)), app, owners
        )
    ]
    assert not offences, "use the owning app's selectors/services instead:\n" + "\n".join(offences)


_ACTION = re.compile(r"""\baction\s*=\s*f?["']([a-z_]+\.[a-z_.{}]+)["']""")


def _catalogue() -> dict[str, str]:
    labels: dict[str, str] = {}
    for app in APPS:
        try:
            module = importlib.import_module(f"ganbu.{app}.events")
        except ModuleNotFoundError:
            continue
        labels.update(getattr(module, "EVENTS", {}))
    return labels


def _matches(action: str, labels: dict[str, str]) -> bool:
    if "{" not in action:
        return action in labels
    pattern = re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[a-z_]+", re.escape(action)) + "$")
    return any(pattern.match(name) for name in labels)


@pytest.mark.parametrize("app", APPS)
def test_every_audit_action_has_a_chinese_label(app: str) -> None:
    labels = _catalogue()
    missing = []
    for path in _sources(app):
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
            for action in _ACTION.findall(line):
                if not _matches(action, labels):
                    missing.append(f"{path.relative_to(ROOT.parent)}:{number}: {action}")
    assert not missing, "add these actions to the app's events.py EVENTS with a Chinese label:\n" + "\n".join(
        missing
    )
    for name, label in labels.items():
        assert re.search(r"[\u4e00-\u9fff]", label), f"{name}: the label must be Chinese"


@pytest.mark.parametrize("app", APPS)
def test_service_and_selector_packages_declare_their_api(app: str) -> None:
    for kind in ("services", "selectors"):
        package = ROOT / app / kind
        if package.is_dir():
            module = importlib.import_module(f"ganbu.{app}.{kind}")
            assert hasattr(module, "__all__"), f"ganbu/{app}/{kind}/__init__.py must declare __all__"


def test_no_file_over_600_lines_without_a_reason() -> None:
    long = []
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        lines = len(path.read_text(encoding="utf-8").split("\n"))
        relative = str(path.relative_to(ROOT.parent))
        if lines > LINE_LIMIT and relative not in ARCHITECTURE:
            long.append(f"{relative}: {lines} lines")
    assert not long, "split these files, or say in docs/architecture.md why not:\n" + "\n".join(long)


def test_the_checks_catch_what_they_look_for() -> None:
    probe = "from ganbu.cadres.models import Cadre\nCadre.objects.filter(pk=1)\nCadre.objects.none()\n"
    owners = {"ganbu.cadres.models.Cadre": "cadres"}
    assert _foreign_queries(probe, "probe.py", "villagework", owners) == ["probe.py:2: Cadre.objects"]
    assert _foreign_queries(probe, "probe.py", "cadres", owners) == []
    assert _matches("cadre.create", {"cadre.create": "新增干部"})
    assert _matches("villagework.{kind}.export", {"villagework.log.export": "导出"})
    assert not _matches("cadre.delete", {"cadre.create": "新增干部"})
    assert _ACTION.findall('record_event(actor=a, action="cadre.create", obj=c)') == ["cadre.create"]


INLINE_STYLE = re.compile(r"""\sstyle\s*=\s*["']""")


def test_no_template_writes_an_inline_style() -> None:
    """The Content-Security-Policy (style-src 'self') refuses style="…" markup: the browser drops it
    and logs an error. Layout goes through classes (Bootstrap or the app's stylesheet)."""
    found = [
        f"{path.relative_to(ROOT.parent)}:{n}"
        for path in ROOT.rglob("*.html")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if INLINE_STYLE.search(line)
    ]
    assert not found, "inline styles (refused by the CSP):\n" + "\n".join(found)
    assert INLINE_STYLE.search('<div style="width:6rem">') and not INLINE_STYLE.search('<div class="x">')
