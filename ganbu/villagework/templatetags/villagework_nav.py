"""The 驻村工作 section's own navigation (pills under the main bar), by role: a 驻村干部 gets their
phone pages, township and county users the management pages their capabilities allow."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from ganbu.org.permissions import has_capability
from ganbu.villagework.selectors.scope import own_only

register = template.Library()

# (label, url name, capability, extra path prefixes that count as this section)
OWN_ITEMS = [
    ("我的驻村", "villagework:my_work", "villagework.log", ()),
    ("写工作记录", "villagework:log_create", "villagework.log", ()),
    ("我的记录", "villagework:log_list", "villagework.view", ("/village/logs/",)),
    ("群众诉求", "villagework:request_list", "villagework.view", ("/village/requests/",)),
    ("我的村", "villagework:village_list", "villagework.view", ("/village/villages/",)),
    ("我的统计", "villagework:overview", "villagework.view", ("/village/cadres/",)),
]
MANAGER_ITEMS = [
    ("概览", "villagework:overview", "villagework.view", ("/village/cadres/",)),
    (
        "村与农户",
        "villagework:village_list",
        "villagework.view",
        ("/village/villages/", "/village/households/"),
    ),
    ("驻村安排", "villagework:assignment_list", "villagework.view", ("/village/assignments/",)),
    ("工作记录", "villagework:log_list", "villagework.view", ("/village/logs/",)),
    ("群众诉求", "villagework:request_list", "villagework.view", ("/village/requests/",)),
    ("轮岗提醒", "villagework:rotation", "villagework.view", ("/village/rotation/",)),
    ("年度考核", "villagework:evaluation_list", "villagework.manage", ("/village/evaluation",)),
    ("设置", "villagework:settings", "villagework.configure", ()),
]


def nav_items(user: Any, path: str) -> list[dict[str, Any]]:
    items = OWN_ITEMS if own_only(user) else MANAGER_ITEMS
    result = []
    for label, name, capability, prefixes in items:
        if not has_capability(user, capability):
            continue
        url = reverse(name)
        active = path == url or any(path.startswith(p) for p in prefixes)
        result.append({"label": label, "url": url, "active": active})
    # one active item at most: the most specific (exact URL) wins
    exact = [i for i in result if i["url"] == path]
    if exact:
        for item in result:
            item["active"] = item is exact[0]
    return result


@register.inclusion_tag("villagework/_nav.html", takes_context=True)
def villagework_nav(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {"items": []}
    return {"items": nav_items(request.user, request.path)}
