"""The tamper-evident event log (记实). Rows are only ever appended by audit.services.record_event.

There is no head row: an append reads the previous hash from the tail event under a lock that needs
no UPDATE privilege (services/chain.py), so the runtime database role may INSERT and SELECT this
table and nothing else. Deleting events from the end is caught against the anchors kept outside the
database (services/anchors.py)."""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField("序号", unique=True)
    created_at = models.DateTimeField("时间")
    actor_id = models.BigIntegerField("操作人ID", null=True, blank=True)  # no FK: rows are never updated
    actor_label = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("动作", max_length=64)
    object_type = models.CharField("对象类型", max_length=64, blank=True)
    object_id = models.CharField("对象ID", max_length=64, blank=True)
    object_label = models.CharField("对象", max_length=200, blank=True)
    unit_path = models.CharField("所属单位路径", max_length=400, blank=True)
    payload = models.JSONField("内容", default=dict)
    prev_hash = models.CharField("前一哈希", max_length=64)
    hash = models.CharField("哈希", max_length=64, unique=True)

    class Meta:
        verbose_name = "记实"
        verbose_name_plural = "记实"
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["unit_path"], name="audit_unit_path_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"
