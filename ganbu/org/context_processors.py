from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from ganbu.org.permissions import capabilities

# (label, url name, capability). Modules appear here as they are built.
NAVIGATION: list[tuple[str, str, str]] = [
    ("首页", "home:dashboard", "org.view"),
    ("干部档案", "cadres:list", "cadres.view"),
    ("结构分析", "analytics:index", "analytics.view"),
    ("驻村工作", "villagework:index", "villagework.view"),
    ("综合考核", "assessment:index", "assessment.view"),
    ("选拔任用", "selection:index", "selection.view"),
    ("测评投票", "ballots:session_list", "ballots.manage"),
    ("我的表决", "ballots:my_ballots", "ballots.vote"),
    ("单位与班子", "org:unit_list", "org.view"),
    ("记实", "home:event_list", "audit.view"),
    ("账号管理", "home:account_list", "org.accounts"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    caps = capabilities(user)
    items = []
    for label, url_name, capability in NAVIGATION:
        if capability in caps:
            try:
                url = reverse(url_name)
            except NoReverseMatch:  # a module whose pages are not built yet
                continue
            active = request.path == url if url == "/" else request.path.startswith(url)
            items.append({"label": label, "url": url, "active": active})
    return {"nav_items": items}
