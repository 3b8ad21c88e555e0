"""Scored special evaluations (e.g. 驻村考核) written into the record by the module that ran them."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from ganbu.audit.services import record_event
from ganbu.cadres.errors import EVALUATION_RECORD_INVALID
from ganbu.cadres.models import Cadre, EvaluationRecord
from ganbu.cadres.services.common import require_scope
from ganbu.org.models import Unit, User
from ganbu.org.selectors import code_exists


def evaluation_record_write(
    *,
    cadre: Cadre,
    year: int,
    kind: str,
    score: Decimal | None,
    grade: str,
    source: str,
    note: str = "",
    actor: User | None,
    scope_unit: Unit | None = None,
) -> EvaluationRecord:
    """Write (or replace) a scored special evaluation (e.g. 驻村考核) into the cadre's record.

    Called by the module that ran the evaluation. The actor must have `scope_unit` (the unit the
    evaluation belongs to, e.g. the village a cadre from a county department is stationed in) or,
    by default, the cadre's own unit in scope."""
    require_scope(actor, scope_unit or cadre.unit)
    errors: dict[str, str] = {}
    if not kind.strip():
        errors["kind"] = "考核类别不能为空"
    if grade and not code_exists("assessment_result", grade):
        errors["grade"] = f"等次代码「{grade}」不在考核结果代码表（ZB18）中"
    if not 1950 <= year <= 2100:
        errors["year"] = f"年度「{year}」不正确"
    if errors:
        raise ValidationError(errors, code=EVALUATION_RECORD_INVALID)
    with transaction.atomic():
        record, created = EvaluationRecord.objects.update_or_create(
            cadre=cadre,
            year=year,
            kind=kind.strip(),
            defaults={"score": score, "grade": grade, "source": source, "note": note[:500]},
        )
        record_event(
            actor=actor,
            action="cadre.evaluation_record",
            obj=cadre,
            unit_path=cadre.unit.path,
            payload={
                "year": year,
                "kind": record.kind,
                "score": str(score) if score is not None else None,
                "grade": grade,
                "source": source,
                "created": created,
            },
        )
    return record
