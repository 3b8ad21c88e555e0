"""The kernel's shared tools, each with its one policy: dates (one 29-February rule), rounding
(half up), name keys, the workflow transition, background jobs and audited downloads."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from ganbu.core import events
from ganbu.core.dates import add_years, age_on, full_weeks, monday_of, stay_years, years_before
from ganbu.core.jobs import JobOutcome, job_create, job_run
from ganbu.core.models import Job, JobStatus
from ganbu.core.numbers import (
    format_hundredths,
    format_tenths,
    percent,
    percent_tenths,
    q2,
    quantize,
    round_half_up_div,
    to_decimal,
)
from ganbu.core.office import audited_attachment
from ganbu.core.pinyin import name_keys, pinyin_keys
from ganbu.core.workflow import NOT_ALLOWED, STALE, allowed, next_states, transition

# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (date(2000, 2, 29), 18, date(2018, 3, 1)),  # common year: the anniversary is 1 March
        (date(2000, 2, 29), 4, date(2004, 2, 29)),
        (date(2023, 3, 1), 3, date(2026, 3, 1)),
        (date(2023, 12, 31), 1, date(2024, 12, 31)),
    ],
)
def test_add_years_agrees_with_age_on(start: date, years: int, expected: date) -> None:
    assert add_years(start, years) == expected
    assert age_on(start, expected) == years
    assert age_on(start, expected - timedelta(days=1)) == years - 1


@pytest.mark.parametrize("on", [date(2016, 2, 29), date(2015, 10, 31), date(2024, 3, 1)])
@pytest.mark.parametrize("years", [1, 35, 41])
def test_years_before_is_the_latest_start_with_that_many_years(on: date, years: int) -> None:
    start = years_before(on, years)
    assert age_on(start, on) >= years
    assert age_on(start + timedelta(days=1), on) < years


def test_stays_and_weeks() -> None:
    assert stay_years(date(2024, 2, 29), date(2025, 2, 28)) == 0.9
    assert stay_years(date(2024, 2, 29), date(2025, 3, 1)) == 1.0
    assert stay_years(date(2026, 1, 2), date(2026, 1, 1)) == 0.0
    assert monday_of(date(2026, 12, 6)) == date(2026, 11, 30)
    assert full_weeks(date(2026, 11, 3), date(2026, 11, 22)) == [date(2026, 11, 9), date(2026, 11, 16)]


# --- numbers -----------------------------------------------------------------------------------


def test_half_up_everywhere() -> None:
    assert round_half_up_div(5, 2) == 3 and round_half_up_div(-5, 2) == -3 and round_half_up_div(7, 3) == 2
    assert percent_tenths(1, 8) == 125  # 12.5 exactly
    assert percent_tenths(1, 16) == 63  # 6.25 → 6.3
    assert format_tenths(373) == "37.3" and format_tenths(-5) == "-0.5" and format_tenths(None) == "—"
    assert format_hundredths(3798) == "37.98" and format_hundredths(-5) == "-0.05"
    assert (
        percent(1, 3) == Decimal("33.33")
        and percent(2, 3) == Decimal("66.67")
        and percent(1, 0) == Decimal("0.00")
    )
    assert q2(Decimal("2.675")) == Decimal("2.68")  # a float would give 2.67
    assert q2(Fraction(1, 8)) == Decimal("0.13")
    assert quantize(Fraction(1, 20), Decimal("0.1")) == Decimal("0.1")
    with pytest.raises(ValueError):
        round_half_up_div(1, 0)


def test_to_decimal_refuses_what_is_not_a_number() -> None:
    assert to_decimal("12.5") == Decimal("12.5") and to_decimal(3) == Decimal(3)
    for bad in (True, None, "abc", "NaN", "Infinity", ""):
        assert to_decimal(bad) is None


# --- names -------------------------------------------------------------------------------------


def test_name_keys() -> None:
    assert pinyin_keys("张三") == ("zhangsan", "zs")
    assert pinyin_keys("买买提·艾力") == pinyin_keys("买买提艾力")
    full, initials, stroke = name_keys("王伟")
    assert (full, initials) == ("wangwei", "ww") and stroke.isdigit()
    assert name_keys("王伟")[2] < name_keys("张伟")[2]  # 王 (4 strokes) before 张 (7)


# --- events, workflow, jobs, downloads ---------------------------------------------------------


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(events, "_writer", lambda **kwargs: calls.append(kwargs))
    return calls


def test_emitting_with_no_writer_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events, "_writer", None)
    with pytest.raises(ImproperlyConfigured):
        events.emit(actor=None, action="x")


def _refuse_when_empty(job: Job) -> str | None:
    return "没有文件名，不能完成" if not job.filename else None


TRANSITIONS = {
    JobStatus.PENDING: {JobStatus.RUNNING: None},
    JobStatus.RUNNING: {JobStatus.SUCCEEDED: _refuse_when_empty, JobStatus.FAILED: None},
}


@pytest.mark.django_db
def test_transition_checks_the_table_and_the_guard_and_records(
    monkeypatch: pytest.MonkeyPatch, recorded: list[dict[str, Any]]
) -> None:
    monkeypatch.setattr(Job, "TRANSITIONS", TRANSITIONS, raising=False)
    job = Job.objects.create(kind="test", scope_path="/C/")
    assert allowed(job, JobStatus.RUNNING) and not allowed(job, JobStatus.SUCCEEDED)
    with pytest.raises(ValidationError) as refused:
        transition(job, to=JobStatus.SUCCEEDED, actor=None, action="test.done")
    assert (
        refused.value.code == NOT_ALLOWED and "「排队中」状态不能变为「已完成」" in refused.value.messages[0]
    )
    transition(
        job, to=JobStatus.RUNNING, actor=None, action="test.start", reason="开始", fields={"message": "x"}
    )
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.message == "x"
    assert recorded[-1]["action"] == "test.start"
    assert recorded[-1]["payload"] == {"from": "pending", "to": "running", "reason": "开始"}
    assert next_states(job) == [JobStatus.FAILED]  # the guard refuses 已完成 without a file name
    with pytest.raises(ValidationError, match="没有文件名"):
        transition(job, to=JobStatus.SUCCEEDED, actor=None, action="test.done")
    assert len(recorded) == 1


@pytest.mark.django_db
def test_a_stale_state_is_refused_and_nothing_is_recorded(
    monkeypatch: pytest.MonkeyPatch, recorded: list[dict[str, Any]]
) -> None:
    monkeypatch.setattr(Job, "TRANSITIONS", TRANSITIONS, raising=False)
    job = Job.objects.create(kind="test", scope_path="/C/")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)  # someone else moved it
    with pytest.raises(ValidationError) as stale:
        transition(job, to=JobStatus.RUNNING, actor=None, action="test.start")
    assert stale.value.code == STALE and not recorded


@pytest.mark.django_db
def test_jobs_end_succeeded_failed_or_crashed(settings: Any) -> None:
    job = job_create(
        kind="test", scope_path="/C/", actor=None, filename="a.xlsx", content=b"x", stored_name="a.xlsx"
    )
    assert job.status == JobStatus.PENDING and job.file.read() == b"x"

    def ok(job: Job, progress: Any) -> JobOutcome:
        progress(5, 10, "validate")
        assert Job.objects.get(pk=job.pk).processed_rows == 5
        return JobOutcome(ok=True, total=10, created=7, updated=3, output=b"zip", output_name="out.zip")

    job = job_run(job, ok, success_message="完成")
    assert (job.status, job.created_count, job.updated_count, job.message) == (
        JobStatus.SUCCEEDED,
        7,
        3,
        "完成",
    )
    assert job.output.read() == b"zip" and job.done and job.percent == 100

    errors = [{"row": i, "column": "姓名", "message": "空"} for i in range(6000)]
    job = job_run(
        job_create(kind="test", scope_path="/C/", actor=None),
        lambda j, p: JobOutcome(ok=False, errors=errors),
    )
    assert job.status == JobStatus.FAILED and len(job.errors) == 5000 and "共 6000 处错误" in job.message

    def boom(job: Job, progress: Any) -> JobOutcome:
        raise RuntimeError("坏了")

    job = job_run(job_create(kind="test", scope_path="/C/", actor=None), boom)
    assert job.status == JobStatus.CRASHED and "坏了" in job.message


@pytest.mark.django_db
def test_an_audited_download_records_the_file_and_is_not_cached(recorded: list[dict[str, Any]]) -> None:
    response = audited_attachment(
        b"content", "名册.xlsx", actor=None, action="test.export", unit_path="/C/", payload={"rows": 2}
    )
    assert response["Cache-Control"] == "no-store" and response.content == b"content"
    payload = recorded[0]["payload"]
    assert payload["rows"] == 2 and payload["filename"] == "名册.xlsx" and payload["bytes"] == 7
    assert payload["sha256"] == "ed7002b439e9ac845f22357d822bac1444730fbdb6016d3ec9432297b9ec9f73"
