"""Attachments of a unit's progress report on its targets: PDF, Word, Excel, JPG or PNG, checked by
their content (not their name), at most MAX_BYTES each and MAX_FILES per target, stored under a
random name and served only through the scope check as a download (never shown inline)."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from ganbu.assessment import errors, events
from ganbu.assessment.models import ProgressFile, Target, TargetStatus
from ganbu.assessment.services.cycles import refuse_unless_open
from ganbu.audit.services import record_event
from ganbu.core.files import TYPES, sniff
from ganbu.org.models import User

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 10


@transaction.atomic
def attach_progress_file(*, target: Target, actor: User | None, name: str, content: bytes) -> ProgressFile:
    participant = target.participant
    refuse_unless_open(participant.cycle)
    if participant.target_status != TargetStatus.SIGNED:
        raise ValidationError("目标责任书签订后才能报送进展材料", code=errors.CYCLE_STATE)
    if len(content) > MAX_BYTES:
        raise ValidationError(
            f"「{name}」超过 {MAX_BYTES // (1024 * 1024)}MB，请压缩后上传", code=errors.FIGURE_INVALID
        )
    kind = sniff(content)
    if kind is None:
        raise ValidationError(f"「{name}」不是 PDF、Word、Excel、JPG 或 PNG 文件", code=errors.FIGURE_INVALID)
    if target.files.count() >= MAX_FILES:
        raise ValidationError(f"每项目标最多上传 {MAX_FILES} 个附件", code=errors.FIGURE_INVALID)
    digest = hashlib.sha256(content).hexdigest()
    shown = (name or f"附件.{kind}").replace("/", "_").replace("\\", "_")[-150:]
    item = ProgressFile(
        target=target,
        name=shown,
        size=len(content),
        sha256=digest,
        content_type=TYPES[kind],
        uploaded_by=actor,
    )
    item.file.save(f"t{target.pk}_{secrets.token_hex(8)}.{kind}", ContentFile(content), save=False)
    item.save()
    record_event(
        actor=actor,
        action=events.PROGRESS_FILE,
        obj=item,
        object_label=f"{participant.unit.name} {target.leaf} {shown}",
        unit_path=participant.unit.path,
        payload={"size": len(content), "sha256": digest},
    )
    return item
