"""The demo logins (`make run`, `manage.py ensure_demo_accounts`): a 驻村干部 linked to the cadre
stationed in the first village of 青山镇 (to try the phone pages), that township's clerk, and the
clerk of 县财政局 (a leading group that enters its 综合考核 indicators' actual values)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from ganbu.cadres.selectors import cadre_of_account
from ganbu.cadres.services import cadre_link_account
from ganbu.core.demo import TODAY
from ganbu.env import read_private_file, write_private_file
from ganbu.org.demo import COUNTY_CODE
from ganbu.org.models import Role, Unit
from ganbu.org.scoping import units_in_subtree
from ganbu.org.selectors import unit_by_code, user_by_username
from ganbu.org.services import user_create
from ganbu.villagework.models import Assignment, AssignmentRole

DEMO_TOWNSHIP = "青山镇"
DEMO_VILLAGE_CADRE = "zhucun"
DEMO_TOWNSHIP_CLERK = "qingshan"
DEMO_DEPARTMENT = "县财政局"  # a leading group (牵头单位) of the 综合考核 demo scheme
DEMO_DEPARTMENT_CLERK = "caizheng"


@dataclass
class DemoLogin:
    username: str
    label: str
    password: str | None  # None: the account existed before and its password was not stored here
    note: str = ""


def _password_file(var_dir: Path, username: str) -> Path:
    return var_dir / f"{username}_password.txt"  # like the administrator's (org ensure_admin)


def _store_password(var_dir: Path, username: str, password: str) -> None:
    write_private_file(_password_file(var_dir, username), password)


def _existing(var_dir: Path, username: str, label: str, note: str) -> DemoLogin:
    return DemoLogin(username, label, read_private_file(_password_file(var_dir, username)), note)


def demo_station(township: Unit) -> Assignment | None:
    """The current 驻村干部 assignment of the township's first village (by code) that has one."""
    return (
        Assignment.objects.filter(
            village__parent=township,
            role=AssignmentRole.STATIONED,
            ended_on__isnull=True,
            started_on__lte=TODAY,
        )
        .select_related("cadre", "village")
        .order_by("village__code", "started_on", "id")
        .first()
    )


def demo_accounts_ensure(*, var_dir: Path) -> tuple[list[DemoLogin], list[str]]:
    """Create the demo logins if missing: `zhucun` (驻村干部, linked to the cadre stationed in the
    first village of 青山镇) and `qingshan` (乡镇, 青山镇). Passwords are generated once and kept in
    var/<username>_password.txt (mode 600). Returns the logins and notes on what was skipped; does
    nothing when the demo county does not exist."""
    county = unit_by_code(COUNTY_CODE)
    township = (
        units_in_subtree(county).filter(parent=county, name=DEMO_TOWNSHIP).first()
        if county is not None
        else None
    )
    if township is None:
        return [], ["数据库中没有示范县（请先运行 seed_demo），未创建示范账号。"]
    logins: list[DemoLogin] = []
    notes: list[str] = []

    station = demo_station(township)
    existing = user_by_username(DEMO_VILLAGE_CADRE)
    if existing is not None:
        linked = cadre_of_account(existing)
        note = "未关联干部"
        if linked is not None:
            stay = (
                Assignment.objects.filter(cadre=linked, ended_on__isnull=True)
                .select_related("village")
                .order_by("village__code")
                .first()
            )
            note = f"{linked.name}，{stay.village.name}" if stay else linked.name
        logins.append(_existing(var_dir, DEMO_VILLAGE_CADRE, "驻村干部", note))
    elif station is None:
        notes.append(f"{DEMO_TOWNSHIP}没有在驻的驻村干部（示范数据未生成干部？），未创建驻村干部账号。")
    elif station.cadre.account_id is not None:
        notes.append(f"干部 {station.cadre.name} 已关联其他账号，未创建驻村干部账号。")
    else:
        with transaction.atomic():
            user, password = user_create(
                username=DEMO_VILLAGE_CADRE,
                role=Role.VILLAGE_CADRE,
                scope_unit=township,
                display_name=station.cadre.name,
                actor=None,
            )
            cadre_link_account(cadre=station.cadre, user=user, actor=None)
            _store_password(var_dir, DEMO_VILLAGE_CADRE, password)
        logins.append(
            DemoLogin(
                DEMO_VILLAGE_CADRE, "驻村干部", password, f"{station.cadre.name}，{station.village.name}"
            )
        )

    if user_by_username(DEMO_TOWNSHIP_CLERK) is not None:
        logins.append(_existing(var_dir, DEMO_TOWNSHIP_CLERK, "乡镇", DEMO_TOWNSHIP))
    else:
        with transaction.atomic():
            _, password = user_create(
                username=DEMO_TOWNSHIP_CLERK,
                role=Role.TOWNSHIP,
                scope_unit=township,
                display_name=f"{DEMO_TOWNSHIP}组织委员",
                actor=None,
            )
            _store_password(var_dir, DEMO_TOWNSHIP_CLERK, password)
        logins.append(DemoLogin(DEMO_TOWNSHIP_CLERK, "乡镇", password, DEMO_TOWNSHIP))

    assert county is not None  # a township was found under it
    department = units_in_subtree(county).filter(parent=county, name=DEMO_DEPARTMENT).first()
    if user_by_username(DEMO_DEPARTMENT_CLERK) is not None:
        logins.append(
            _existing(var_dir, DEMO_DEPARTMENT_CLERK, "县直部门", f"{DEMO_DEPARTMENT}，综合考核牵头单位")
        )
    elif department is not None:
        with transaction.atomic():
            _, password = user_create(
                username=DEMO_DEPARTMENT_CLERK,
                role=Role.DEPARTMENT,
                scope_unit=department,
                display_name=f"{DEMO_DEPARTMENT}办公室",
                actor=None,
            )
            _store_password(var_dir, DEMO_DEPARTMENT_CLERK, password)
        logins.append(
            DemoLogin(DEMO_DEPARTMENT_CLERK, "县直部门", password, f"{DEMO_DEPARTMENT}，综合考核牵头单位")
        )
    return logins, notes
