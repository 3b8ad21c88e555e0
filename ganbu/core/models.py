"""The kernel's own tables: the timestamp base every model uses, and background jobs."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class JobStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "进行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "有错误，未完成"
    CRASHED = "crashed", "系统错误"


ACTIVE_JOB_STATUSES = (JobStatus.PENDING, JobStatus.RUNNING)


class Job(TimeStampedModel):
    """One piece of background work (an import, a batch of documents) and its outcome. Who may see
    it is the unit subtree `scope_path` (the path of the unit it works in); its input file, its
    output file, its progress and every error it found are kept with it. Written only through
    `core.jobs`."""

    kind = models.CharField("类型", max_length=40)  # "cadres.import", "cadres.forms_zip" …
    scope_path = models.CharField("所属单位路径", max_length=400)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    filename = models.CharField("文件名", max_length=255, blank=True)
    file = models.FileField("上传文件", upload_to="jobs/in/", blank=True)
    output = models.FileField("生成文件", upload_to="jobs/out/", blank=True)
    params = models.JSONField("参数", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    total_rows = models.PositiveIntegerField("总数", default=0)
    processed_rows = models.PositiveIntegerField("已处理", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    result = models.JSONField("结果", default=dict, blank=True)
    errors = models.JSONField("错误", default=list, blank=True)
    message = models.TextField("说明", blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "scope_path"], name="core_job_kind_scope_idx")]

    def __str__(self) -> str:
        return self.filename or self.kind

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0 if self.status in ACTIVE_JOB_STATUSES else 100
        return min(100, self.processed_rows * 100 // self.total_rows)

    @property
    def done(self) -> bool:
        return self.status not in ACTIVE_JOB_STATUSES
