"""View access declarations. Every URL's view is wrapped by exactly one of these, so the scope test
(home/tests/test_scope_walk.py) can find every view, see what it exposes, and attack it.

- `public(reason)` : no login needed (login page, health check, anonymous ballot page).
- `requires(capability, kind=..., model=..., kwarg=...)` : logged-in user with the capability; the
  view must fetch `model` objects only through org.scoping helpers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Literal

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseBase

from ganbu.org.models import User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import scope_path

Kind = Literal["public", "page", "list", "detail", "action", "export"]


@dataclass(frozen=True)
class Access:
    kind: Kind
    capability: str | None = None
    model: type[Model] | None = None
    kwarg: str = "pk"
    reason: str = ""
    county_wide: bool = False


def public(reason: str) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        wrapped = login_not_required(view)
        wrapped.ganbu_access = Access(kind="public", reason=reason)  # type: ignore[attr-defined]
        return wrapped

    return decorator


def requires(
    capability: str,
    *,
    kind: Kind,
    model: type[Model] | None = None,
    kwarg: str = "pk",
    county_wide: bool = False,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """`county_wide`: the view changes what holds for the whole county (settings, the holiday
    calendar, accounts): the user's scope must be the whole county, not only their role."""
    if kind in ("detail", "action") and model is None:
        raise ValueError("detail/action views must name the model they expose")

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_capability(request.user, capability):  # type: ignore[arg-type]
                raise PermissionDenied("您的角色没有此项权限")
            if county_wide and scope_path(request.user) is not None:  # type: ignore[arg-type]
                raise PermissionDenied("只有数据范围为全县的账号可以进行此项操作")
            return view(request, *args, **kwargs)

        wrapped.ganbu_access = Access(  # type: ignore[attr-defined]
            kind=kind, capability=capability, model=model, kwarg=kwarg, county_wide=county_wide
        )
        return wrapped

    return decorator


def request_user(request: HttpRequest) -> User:
    """The logged-in user of a view behind `requires` (typed: `request.user` is a union)."""
    return request.user  # type: ignore[return-value]
