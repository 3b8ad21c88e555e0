"""The ballot engine's tables. Anonymity is a property of these tables (README.md, "Anonymity"):

- no table stores a ballot: a ballot only adds to counters (`Tally` rows, `BallotBox.write_ins`);
- every ballot rewrites *every* counter row of its session and the box row, so on PostgreSQL all of
  them carry the xmin of the last ballot and nothing shows which counters a given ballot moved;
- nothing is inserted while voting, so no id, rowid or sequence value records an order;
- a used code's row is deleted, not marked; code rows carry no time and are inserted in digest order,
  unrelated to the (shuffled) print order;
- none of `BallotCode`, `Tally`, `BallotBox`, `SessionVoter` has a timestamp (an exception to the
  created_at/updated_at rule of STYLE.md, on purpose);
- every per-ballot counter is a `CounterField`: its stored size never changes while voting, so on
  SQLite a counter's cell is rewritten in place and the page layout records no history.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Q, Value
from django.db.models.expressions import Combinable

from ganbu.ballots import rules
from ganbu.core.conf import SettingsRow
from ganbu.core.models import TimeStampedModel
from ganbu.core.workflow import Transitions
from ganbu.org.models import Unit


class SessionKind(models.TextChoices):
    RATING = "rating", "民主测评"
    RECOMMENDATION = "recommendation", "民主推荐"
    APPROVAL = "approval", "表决/征求意见"


class ApprovalRule(models.TextChoices):
    NONE = "", "—"
    DECISION = "decision", "常委会票决"
    CONSULTATION = "consultation", "全委会征求意见"


class Denominator(models.TextChoices):
    EXPECTED = "expected", "应到人数"
    PRESENT = "present", "实到人数"


class SessionMode(models.TextChoices):
    ELECTRONIC = "electronic", "扫码/手机投票"
    PAPER = "paper", "纸质票（录入计票结果）"


class SessionStatus(models.TextChoices):
    DRAFT = "draft", "准备中"
    OPEN = "open", "投票中"
    CLOSED = "closed", "已结束"
    SEALED = "sealed", "已封存"


def _only_in_test(session: BallotSession) -> str | None:
    return None if session.test_mode else "当前没有进行模拟测试"


def _not_in_test(session: BallotSession) -> str | None:
    return "模拟测试中不能结束投票，请先「结束模拟测试」" if session.test_mode else None


class BallotSession(TimeStampedModel):
    """One voting meeting. `unit` is the organising unit and gives the session its data scope.

    Workflow (`TRANSITIONS`, moved only by `core.workflow.transition` in services/lifecycle.py):
    准备中 → 投票中 (open, or 模拟测试 with `test_mode`); 模拟测试 → 准备中 (its ballots and test codes
    wiped); 投票中 → 已结束 (not during 模拟测试); 已结束 → 已封存. `test_mode` is part of the state:
    every move names it in its conditional UPDATE."""

    unit = models.ForeignKey(Unit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("名称", max_length=200)
    description = models.TextField("说明", blank=True)
    kind = models.CharField("类型", max_length=20, choices=SessionKind.choices)
    rule = models.CharField("表决规则", max_length=20, choices=ApprovalRule.choices, blank=True)
    mode = models.CharField(
        "投票方式", max_length=20, choices=SessionMode.choices, default=SessionMode.ELECTRONIC
    )
    options = models.JSONField("选项", default=list, blank=True)
    max_choices = models.PositiveSmallIntegerField("最多可选", default=1)
    min_choices = models.PositiveSmallIntegerField("最少须选", default=0)
    allow_write_in = models.BooleanField("允许另选他人", default=False)
    denominator = models.CharField(
        "征求意见计算基数", max_length=10, choices=Denominator.choices, default=Denominator.EXPECTED
    )
    min_group_size = models.PositiveSmallIntegerField("分组结果最少票数", default=rules.MIN_GROUP_SIZE)
    live_min = models.PositiveSmallIntegerField("实时显示最少应到人数", default=rules.LIVE_MIN)
    status = models.CharField(
        "状态", max_length=10, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    test_mode = models.BooleanField("模拟测试中", default=False)
    opened_at = models.DateTimeField("开始时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    sealed_at = models.DateTimeField("封存时间", null=True, blank=True)
    tally_sha256 = models.CharField("封存校验码", max_length=64, blank=True)  # SHA-256 of the tally
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "测评/推荐/表决"
        verbose_name_plural = "测评/推荐/表决"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_choices__gte=1), name="ballot_max_choices_positive"),
            models.CheckConstraint(
                condition=Q(min_choices__lte=F("max_choices")), name="ballot_min_not_above_max"
            ),
            models.CheckConstraint(
                condition=Q(kind="approval", rule__in=["decision", "consultation"])
                | (~Q(kind="approval") & Q(rule="")),
                name="ballot_rule_only_for_approval",
            ),
            models.CheckConstraint(
                condition=Q(test_mode=False) | Q(status="open"), name="ballot_test_mode_only_open"
            ),
            models.CheckConstraint(
                condition=Q(status="sealed", sealed_at__isnull=False) | ~Q(status="sealed"),
                name="ballot_sealed_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="ballot_session_status_idx")]

    TRANSITIONS: ClassVar[Transitions] = {
        SessionStatus.DRAFT: {SessionStatus.OPEN: None},
        SessionStatus.OPEN: {SessionStatus.DRAFT: _only_in_test, SessionStatus.CLOSED: _not_in_test},
        SessionStatus.CLOSED: {SessionStatus.SEALED: None},
    }

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        if self.kind == SessionKind.APPROVAL:
            return self.get_rule_display()
        return self.get_kind_display()


class RaterGroup(models.Model):
    """A group of raters (村民代表, 党员代表, 乡镇干部 …) with its weight and 应到 / 实到 counts."""

    session = models.ForeignKey(
        BallotSession, verbose_name="投票", on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField("评议人类别", max_length=50)
    weight = models.PositiveIntegerField("权重", default=1)
    expected = models.PositiveIntegerField("应到人数")
    present = models.PositiveIntegerField("实到人数", null=True, blank=True)
    codes_issued = models.PositiveIntegerField("已发票码", default=0)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "评议人类别"
        verbose_name_plural = "评议人类别"
        ordering = ["session", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "name"], name="ballot_group_unique_name"),
            models.CheckConstraint(condition=Q(expected__gte=1), name="ballot_group_expected_positive"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="ballot_group_weight_positive"),
            models.CheckConstraint(
                condition=Q(present__isnull=True) | Q(present__lte=F("expected")),
                name="ballot_group_present_not_above_expected",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Subject(models.Model):
    """Who is rated or voted on: a cadre of the registry or a named nominee. `label` is what the
    ballot shows and what API answers are keyed by."""

    session = models.ForeignKey(
        BallotSession, verbose_name="投票", on_delete=models.CASCADE, related_name="subjects"
    )
    label = models.CharField("姓名", max_length=100)
    note = models.CharField("说明", max_length=200, blank=True)
    cadre = models.ForeignKey(
        "cadres.Cadre", verbose_name="干部", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "测评/表决对象"
        verbose_name_plural = "测评/表决对象"
        ordering = ["session", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "label"], name="ballot_subject_unique_label"),
        ]

    def __str__(self) -> str:
        return self.label


class BallotCode(models.Model):
    """An *unused* one-time code: only its keyed digest. A used code's row is deleted in the
    transaction that counts its ballot. No timestamps, no state, no link to any person or ballot.

    Member slots (`member_slot`) are the codes of logged-in committee members: created with a random
    placeholder digest, and given a real code's digest when a member claims one (README.md)."""

    session = models.ForeignKey(BallotSession, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    is_test = models.BooleanField(default=False)
    member_slot = models.BooleanField(default=False)
    claimed = models.BooleanField(default=False)

    class Meta:
        verbose_name = "票码"
        verbose_name_plural = "票码"
        ordering = ["digest"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member_slot=True) | Q(claimed=False), name="ballot_code_claimed_only_slots"
            ),
        ]
        indexes = [models.Index(fields=["session", "group"], name="ballot_code_session_idx")]

    def __str__(self) -> str:
        return "票码"


class CounterField(models.BigIntegerField):
    """A per-ballot counter in a fixed-width encoding: the stored value is `OFFSET` + the count.

    SQLite stores an integer in the fewest bytes it fits (0 and 1 in none, up to 127 in one, …), so
    a counter that grows from 1 to 2 or from 127 to 128 changes its record's size, and SQLite then
    moves the row's cell within its page: the page layout keeps a trace of each such step, and of
    the order in which counters took them. Every stored value lies in [2**40, 2**47), which SQLite
    always stores in 6 bytes, so a ballot rewrites each counter's cell in place with the same size.
    PostgreSQL's bigint is 8 bytes whatever the value (the offset changes nothing there).

    This class is the one definition of the encoding: the ORM adds the offset when it writes a value
    (saves, `update(count=3)`, lookups, `Value(3, output_field=CounterField())`) and removes it when
    it reads one. Adding to a counter needs no decoding (`count + 1` on the stored value is the
    stored value of the count + 1), which is how ballots count. Aggregates over stored values
    (`Sum`, `F("a") + F("b")`) would add the offset more than once: sum counts in Python.
    Migrations convert existing columns with `encode_stored` / `decode_stored`."""

    OFFSET = 2**40
    LIMIT = 2**47 - 2**40  # counts below this keep the stored value within SQLite's 6-byte integers

    def from_db_value(
        self, value: int | None, expression: Any, connection: BaseDatabaseWrapper
    ) -> int | None:
        return None if value is None else value - self.OFFSET

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return None if value is None else value + self.OFFSET

    @classmethod
    def encode_stored(cls, column: Combinable) -> Combinable:
        """An expression turning a column of plain counts into this encoding (migrations)."""
        return column + Value(cls.OFFSET)

    @classmethod
    def decode_stored(cls, column: Combinable) -> Combinable:
        """The reverse of `encode_stored` (migrations)."""
        return column - Value(cls.OFFSET)


class TallyKind(models.TextChoices):
    RECEIVED = "received", "收回票数"
    INVALID = "invalid", "废票数"
    OPTION = "option", "选项票数"
    PICK = "pick", "推荐票数"


class Tally(models.Model):
    """One counter. The full set is created when the session opens; a ballot then rewrites all of a
    session's counters in one UPDATE (adding 1 to some and 0 to the others). `count` is a
    `CounterField` (fixed width: the stored size never changes while voting)."""

    session = models.ForeignKey(BallotSession, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=10, choices=TallyKind.choices)
    option = models.PositiveSmallIntegerField(null=True, blank=True)
    key = models.CharField(max_length=40)
    count = CounterField(default=0)

    class Meta:
        verbose_name = "计票"
        verbose_name_plural = "计票"
        ordering = ["session", "key"]
        constraints = [
            models.UniqueConstraint(fields=["session", "key"], name="ballot_tally_unique_key"),
            models.CheckConstraint(
                condition=Q(kind="option", option__isnull=False, subject__isnull=False)
                | Q(kind="pick", option__isnull=True, subject__isnull=False)
                | Q(kind__in=["received", "invalid"], option__isnull=True, subject__isnull=True),
                name="ballot_tally_shape",
            ),
            models.CheckConstraint(
                condition=Q(count__gte=0, count__lt=CounterField.LIMIT), name="ballot_tally_count_fixed_width"
            ),
        ]

    def __str__(self) -> str:
        return self.key


class BallotBox(models.Model):
    """One row per open session: the lock every ballot takes, the total, and the written-in names
    (另选他人) as counters {group id: {normalised name: count}} with sorted keys, so their order of
    first appearance is not kept.

    `is_open` / `is_test` repeat, on the locked row itself, whether the box takes ballots and which
    codes (test or real): the box is created open when the session opens (or starts 模拟测试), closing
    clears `is_open` while holding this row's lock, ending a test deletes the box. On PostgreSQL a
    ballot is one statement whose `FOR UPDATE` re-checks these columns on the latest row version
    after waiting, so a ballot queued behind a close is refused (a column of the session row, read
    in the same statement, would be seen as of before the wait).

    `received` is a `CounterField` (fixed width). `write_ins` is not padded: its stored size
    changes only when a ballot with a written-in name arrives (a new name, or a name's count gaining
    a digit); a ballot without one rewrites it byte for byte (README.md, "Anonymity")."""

    session = models.OneToOneField(BallotSession, on_delete=models.CASCADE, related_name="box")
    received = CounterField(default=0)
    write_ins = models.JSONField(default=dict)
    is_open = models.BooleanField(default=True)
    is_test = models.BooleanField(default=False)

    class Meta:
        verbose_name = "票箱"
        verbose_name_plural = "票箱"
        ordering = ["session"]
        constraints = [
            models.CheckConstraint(
                condition=Q(received__gte=0, received__lt=CounterField.LIMIT),
                name="ballot_box_received_fixed_width",
            ),
        ]

    def __str__(self) -> str:
        return f"票箱 {self.session_id}"


class SessionVoter(models.Model):
    """A logged-in member entitled to one code of `group` (常委, 全委会委员). `claimed` says a code
    was handed out (like a sign-in sheet), never which code."""

    session = models.ForeignKey(BallotSession, on_delete=models.CASCADE, related_name="voters")
    group = models.ForeignKey(RaterGroup, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    claimed = models.BooleanField(default=False)

    class Meta:
        verbose_name = "表决成员"
        verbose_name_plural = "表决成员"
        ordering = ["session", "user"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="ballot_voter_unique_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.session_id}"


class BallotSettings(SettingsRow):
    """The ballot engine's settings (one row; read with `BallotSettings.current()`, changed only by
    `services.ballot_settings_update`). Defaults are the named defaults of rules.py. The statutory
    rules (票决 quorum and majority) are not settings."""

    min_group_size = models.PositiveSmallIntegerField(
        "分组结果最少票数",
        default=rules.MIN_GROUP_SIZE,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="新建投票的默认值：某类评议人有效票少于此数时不单独显示该类结果（计入合计）",
    )
    live_min = models.PositiveSmallIntegerField(
        "实时显示最少应到人数",
        default=rules.LIVE_MIN,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text="新建投票的默认值：应到人数少于此数的投票，结束前不显示已收回票数",
    )
    consult_denominator = models.CharField(
        "征求意见计算基数",
        max_length=10,
        choices=Denominator.choices,
        default=rules.CONSULT_DENOMINATOR,
        help_text="新建征求意见的默认值；每次投票可另行选择",
    )
    unfit_warning_percent = models.PositiveSmallIntegerField(
        "不称职预警比例（%）",
        default=rules.UNFIT_WARNING_PERCENT,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="民主测评中不称职票达到此比例的，提示不胜任现职预警",
    )
    second_round_percent = models.PositiveSmallIntegerField(
        "第二轮推荐比例（%）",
        default=rules.SECOND_ROUND_PERCENT,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="民主推荐中最高得票率低于此比例的，提示应进行第二轮推荐",
    )
    turnout = models.CharField(
        "收回票数下限",
        max_length=4,
        choices=[(key, label) for key, (label, _) in rules.TURNOUT_CHOICES.items()],
        default=rules.TURNOUT,
        help_text="民主测评、民主推荐和征求意见收回的票数须达到实到人数（未录入实到的按应到）的这一比例，否则投票无效",
    )
    public_base_url = models.CharField(
        "票签网址",
        max_length=200,
        blank=True,
        default=rules.PUBLIC_BASE_URL,
        validators=[
            URLValidator(schemes=["http", "https"], message="请填写以 http:// 或 https:// 开头的网址")
        ],
        help_text="印在票签和二维码上的网址，如 https://ganbu.example.gov.cn；留空则用当前访问的网址",
    )

    class Meta:
        verbose_name = "测评投票设置"
        verbose_name_plural = "测评投票设置"
        ordering = ["pk"]

    def __str__(self) -> str:
        return "测评投票设置"
