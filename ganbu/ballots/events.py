"""The audit actions the ballot engine writes, with their Chinese labels (the 记实 page shows the
label). Ballots themselves are never audited: an event per ballot would time-stamp it."""

from __future__ import annotations

EVENTS = {
    "ballots.session_created": "新建测评/推荐/表决",
    "ballots.session_updated": "修改准备中的测评/推荐/表决",
    "ballots.session_deleted": "删除准备中的测评/推荐/表决",
    "ballots.codes_issued": "生成票码（只记数量）",
    "ballots.codes_export": "下载票码（票签或清单）",
    "ballots.members_added": "添加表决成员",
    # no longer written (a claim is recorded in the set of members at close); kept for older events
    "ballots.member_claimed": "表决成员领取票码（不记录票码）",
    "ballots.test_started": "开始模拟测试",
    "ballots.test_wiped": "结束模拟测试并清除测试选票",
    "ballots.session_opened": "开始投票",
    "ballots.present_recorded": "录入实到人数",
    "ballots.paper_count_entered": "录入纸质票计票结果",
    "ballots.session_closed": "结束投票",
    "ballots.session_sealed": "封存计票结果",
    "ballots.result_export": "导出投票结果",
    "ballots.settings_updated": "修改测评投票设置",
}

# The model whose fields the payloads of these actions name (audit.catalogue); the others are about
# the session (their object type).
MODELS = {"ballots.settings_updated": "ballots.BallotSettings"}
