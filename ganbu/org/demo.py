"""The demo county's structure (青山县): the county, 11 townships with their villages and communities
(seed 001: 2 乡 and 9 镇), 30 county departments with their categories, and the leadership teams
and posts (with levels and 职数). Units, teams and posts go through org.services, so they are
audited like any other change."""

from __future__ import annotations

from django.db import transaction

from ganbu.core.demo import DemoContext
from ganbu.org import services as org_services
from ganbu.org.models import Team, TeamKind, Unit, UnitKind

COUNTY_CODE = "469099"
# (name, kind, category); seed 001: 11 townships, 2 乡 and 9 镇.
TOWNSHIPS = [
    ("青山镇", UnitKind.TOWN, "中心镇"),
    ("椰林镇", UnitKind.TOWN, "中心镇"),
    ("光坡镇", UnitKind.TOWN, "平原乡镇"),
    ("三才镇", UnitKind.TOWN, "平原乡镇"),
    ("英州镇", UnitKind.TOWN, "平原乡镇"),
    ("隆广镇", UnitKind.TOWN, "平原乡镇"),
    ("文罗镇", UnitKind.TOWN, "山区乡镇"),
    ("本号镇", UnitKind.TOWN, "山区乡镇"),
    ("新村镇", UnitKind.TOWN, "沿海乡镇"),
    ("群英乡", UnitKind.TOWNSHIP, "山区乡镇"),
    ("提蒙乡", UnitKind.TOWNSHIP, "山区乡镇"),
]
DEPARTMENTS = [
    ("县委办公室", "党群部门"),
    ("县委组织部", "党群部门"),
    ("县委宣传部", "党群部门"),
    ("县委统战部", "党群部门"),
    ("县委政法委", "党群部门"),
    ("县纪委监委", "党群部门"),
    ("县总工会", "党群部门"),
    ("团县委", "党群部门"),
    ("县妇联", "党群部门"),
    ("县政府办公室", "政府部门"),
    ("县教育局", "政府部门"),
    ("县公安局", "政府部门"),
    ("县民政局", "政府部门"),
    ("县司法局", "政府部门"),
    ("县人力资源和社会保障局", "政府部门"),
    ("县卫生健康委员会", "政府部门"),
    ("县应急管理局", "政府部门"),
    ("县退役军人事务局", "政府部门"),
    ("县发展和改革委员会", "经济部门"),
    ("县财政局", "经济部门"),
    ("县自然资源和规划局", "经济部门"),
    ("县住房和城乡建设局", "经济部门"),
    ("县交通运输局", "经济部门"),
    ("县农业农村局", "经济部门"),
    ("县水务局", "经济部门"),
    ("县商务局", "经济部门"),
    ("县文化旅游局", "经济部门"),
    ("县市场监督管理局", "经济部门"),
    ("县统计局", "经济部门"),
    ("县乡村振兴局", "经济部门"),
]
VILLAGE_STEMS = list(
    "东西南北中上下前后大小新老高低长石山水田林河湾岭坡坑塘洋港沟桥龙凤鹤鹿牛马羊竹梅兰桃李枫松柏椰槟榔"
)
VILLAGE_SUFFIX = ["村", "村", "村", "村", "岭村", "园村", "坡村", "田村", "湾村", "塘村"]


class StructureBuilder:
    def __init__(self, ctx: DemoContext) -> None:
        self.ctx = ctx

    def build_structure(self) -> Unit:
        rng = self.ctx.rng
        with transaction.atomic():
            county = org_services.unit_create(
                code=COUNTY_CODE, name="青山县", kind=UnitKind.COUNTY, parent=None, actor=None
            )
            self.ctx.stats.units += 1
            for t_index, (name, kind, category) in enumerate(TOWNSHIPS, start=1):
                township = org_services.unit_create(
                    code=f"{COUNTY_CODE}{100 + t_index:03d}",
                    name=name,
                    kind=kind,
                    parent=county,
                    category=category,
                    sort_order=t_index,
                    actor=None,
                )
                self.ctx.stats.units += 1
                self._township_teams(township)
                n_villages = rng.randint(8, 15)
                used: set[str] = set()
                for v_index in range(1, n_villages + 1):
                    while True:
                        vname = (
                            rng.choice(VILLAGE_STEMS) + rng.choice(VILLAGE_STEMS) + rng.choice(VILLAGE_SUFFIX)
                        )
                        if vname not in used:
                            used.add(vname)
                            break
                    is_community = v_index == 1 and kind == UnitKind.TOWN
                    org_services.unit_create(
                        code=f"{township.code}{v_index:03d}",
                        name=(name[:-1] + "社区") if is_community else vname,
                        kind=UnitKind.COMMUNITY if is_community else UnitKind.VILLAGE,
                        parent=township,
                        households=rng.randint(150, 900),
                        sort_order=v_index,
                        actor=None,
                    )
                    self.ctx.stats.units += 1
            for d_index, (name, category) in enumerate(DEPARTMENTS, start=1):
                dept = org_services.unit_create(
                    code=f"{COUNTY_CODE}D{d_index:02d}",
                    name=name,
                    kind=UnitKind.DEPARTMENT,
                    parent=county,
                    category=category,
                    sort_order=100 + d_index,
                    actor=None,
                )
                self.ctx.stats.units += 1
                self._department_team(dept)
        return county

    def _post(self, unit: Unit, team: Team | None, name: str, level: str, quota: int, order: int) -> None:
        org_services.post_create(
            unit=unit, team=team, name=name, level=level, quota=quota, sort_order=order, actor=None
        )
        self.ctx.stats.posts += 1

    def _township_teams(self, township: Unit) -> None:
        head = "乡长" if township.kind == UnitKind.TOWNSHIP else "镇长"
        deputy = "副乡长" if township.kind == UnitKind.TOWNSHIP else "副镇长"
        party = org_services.team_create(
            unit=township,
            kind=TeamKind.PARTY_COMMITTEE,
            name=f"{township.name}党委",
            sort_order=1,
            actor=None,
        )
        gov = org_services.team_create(
            unit=township, kind=TeamKind.GOVERNMENT, name=f"{township.name}人民政府", sort_order=2, actor=None
        )
        congress = org_services.team_create(
            unit=township, kind=TeamKind.CONGRESS, name=f"{township.name}人大主席团", sort_order=3, actor=None
        )
        self.ctx.stats.teams += 3
        self._post(township, party, "党委书记", "1A41", 1, 1)
        self._post(township, party, "党委副书记", "1A42", 2, 2)
        self._post(township, party, "纪委书记", "1A42", 1, 3)
        self._post(township, party, "组织委员", "1A42", 1, 4)
        self._post(township, party, "宣传委员", "1A42", 1, 5)
        self._post(township, party, "武装部长", "1A42", 1, 6)
        self._post(township, gov, head, "1A41", 1, 10)
        self._post(township, gov, deputy, "1A42", 3, 11)
        self._post(township, congress, "人大主席", "1A41", 1, 20)
        self._post(township, congress, "人大副主席", "1A42", 1, 21)

    def _department_team(self, dept: Unit) -> None:
        team = org_services.team_create(
            unit=dept, kind=TeamKind.LEADERSHIP, name=f"{dept.name}领导班子", sort_order=1, actor=None
        )
        self.ctx.stats.teams += 1
        head = department_head(dept.name)
        deputy = "副" + head
        self._post(dept, team, head, "1A41", 1, 1)
        self._post(dept, team, deputy, "1A42", 3, 2)


# The head of a department by the last word of its name: 局长, 部长, 主任 of a 委员会 or 办公室;
# the Party's and the mass organisations' bodies are led by a 书记 (政法委, 纪委监委, 团县委) or a
# 主席 (总工会, 妇联), never a 「县妇联主任」.
DEPARTMENT_HEADS = (
    ("局", "局长"),
    ("部", "部长"),
    ("政法委", "书记"),
    ("纪委监委", "书记"),
    ("团县委", "书记"),
)
MASS_ORGANISATION_HEAD = ("总工会", "妇联")


def department_head(name: str) -> str:
    if name.endswith(MASS_ORGANISATION_HEAD):
        return "主席"
    return next((head for ending, head in DEPARTMENT_HEADS if name.endswith(ending)), "主任")


def seed_structure(ctx: DemoContext) -> Unit:
    """Build the county tree; returns the county."""
    return StructureBuilder(ctx).build_structure()
