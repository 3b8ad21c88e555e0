"""账号管理: county administrators create, edit, disable and reset accounts, link a 驻村干部's
account to their cadre record, and release login lockouts. The rules are `org.services`'s
(`account_*`, `lockout_*`); the link is `cadres.services.cadre_link_account`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganbu.cadres.selectors import cadre_by_id_number, cadre_of_account, cadres_of_accounts
from ganbu.cadres.services import cadre_link_account
from ganbu.core.forms import add_errors
from ganbu.core.listing import Sorts, listing
from ganbu.home.forms import AccountFilterForm, AccountForm
from ganbu.org import selectors, services
from ganbu.org.access import request_user, requires
from ganbu.org.models import Role, User
from ganbu.org.scoping import units_in_scope

# the columns the account list sorts by (core.listing); by scope, role and login by default
ACCOUNT_SORTS = Sorts(
    {
        "username": ("username",),
        "name": ("display_name", "username"),
        "role": ("role", "username"),
        "scope": ("scope_unit__path", "role", "username"),
        "last_login": ("last_login", "username"),
    },
    default="",
)


# the password of an account just created or reset, kept in the session between the POST and the
# page that shows it (post/redirect/get: F5 on that page never resubmits the form); popped when shown
ONE_TIME_PASSWORD = "home.one_time_password"  # noqa: S105 - a session key, not a password


def _show_password_once(request: HttpRequest, account: User, password: str, *, new: bool) -> HttpResponse:
    request.session[ONE_TIME_PASSWORD] = {"account": account.pk, "password": password, "new": new}
    return redirect("home:account_password", pk=account.pk)


def _units(user: User) -> Any:
    return units_in_scope(user).order_by("path").only("id", "name", "depth", "path")


@requires("org.accounts", kind="list", model=User, county_wide=True)
@require_GET
def account_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = AccountFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or ""
    qs = selectors.accounts_in_scope(
        user,
        q=data.get("q") or "",
        role=data.get("role") or "",
        active=None if not status else status == "active",
    )
    found = listing(request, qs, ACCOUNT_SORTS)
    page = found.page
    linked = cadres_of_accounts(a.pk for a in page.object_list)
    rows = [(a, linked.get(a.pk)) for a in page.object_list]
    context = {"form": form, "page": page, "rows": rows, "query": found.query, "listing": found}
    return render(request, "home/accounts/list.html", context)


def _link(account: User, form: AccountForm, actor: User) -> None:
    """Link the account to the cadre of the 身份证号 given, or unlink it when asked."""
    number = (form.cleaned_data.get("cadre_id_number") or "").strip().upper()
    current = cadre_of_account(account)
    if form.cleaned_data.get("unlink") and current is not None:
        cadre_link_account(cadre=current, user=None, actor=actor)
        current = None
    if not number:
        return
    cadre = cadre_by_id_number(number)
    if cadre is None:
        raise ValidationError({"cadre_id_number": "干部档案中没有这个身份证号"})
    if current is not None and current.pk != cadre.pk:
        cadre_link_account(cadre=current, user=None, actor=actor)
    cadre_link_account(cadre=cadre, user=account, actor=actor)


@requires("org.accounts", kind="page", county_wide=True)
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = AccountForm(request.POST or None, units=_units(user), creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                account, password = services.account_create(
                    username=form.cleaned_data["username"],
                    display_name=form.cleaned_data["display_name"],
                    role=form.cleaned_data["role"],
                    scope_unit=form.cleaned_data["scope_unit"],
                    actor=user,
                )
                _link(account, form, user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return _show_password_once(request, account, password, new=True)
    return render(request, "home/accounts/form.html", {"form": form, "account": None})


@requires("org.accounts", kind="detail", model=User, county_wide=True)
@require_http_methods(["GET", "POST"])
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    account = selectors.account_for_admin(user, pk)
    linked = cadre_of_account(account)
    initial = {"display_name": account.display_name, "role": account.role, "scope_unit": account.scope_unit}
    form = AccountForm(
        request.POST or None, initial=initial, units=_units(user), creating=False, linked=linked is not None
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.account_update(
                    user=account,
                    display_name=form.cleaned_data["display_name"],
                    role=form.cleaned_data["role"],
                    scope_unit=form.cleaned_data["scope_unit"],
                    actor=user,
                )
                _link(account, form, user)
        except ValidationError as exc:
            account.refresh_from_db()
            add_errors(form, exc)
        else:
            messages.success(request, f"账号「{account.username}」已保存")
            return redirect("home:account_list")
    context = {"form": form, "account": account, "linked": linked, "is_self": account.pk == user.pk}
    return render(request, "home/accounts/form.html", context)


@requires("org.accounts", kind="action", model=User, county_wide=True)
@require_POST
def account_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    account = selectors.account_for_admin(user, pk)
    try:
        services.account_set_active(user=account, active=not account.is_active, actor=user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        state = "启用" if account.is_active else "停用"
        messages.success(request, f"账号「{account.username}」已{state}")
    return redirect("home:account_edit", pk=account.pk)


@requires("org.accounts", kind="action", model=User, county_wide=True)
@require_POST
def account_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    account = selectors.account_for_admin(user, pk)
    try:
        password = services.account_reset_password(user=account, actor=user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("home:account_edit", pk=account.pk)
    return _show_password_once(request, account, password, new=False)


@requires("org.accounts", kind="detail", model=User, county_wide=True)
@require_GET
def account_password(request: HttpRequest, pk: int) -> HttpResponse:
    """The password `_show_password_once` kept, shown on the first visit only: a reload finds
    nothing and says so (no-store: nor does the browser's cache keep it, core.http.NoStore)."""
    user = request_user(request)
    account = selectors.account_for_admin(user, pk)
    kept = request.session.get(ONE_TIME_PASSWORD)
    if kept and kept.get("account") == account.pk:
        del request.session[ONE_TIME_PASSWORD]
        context = {"account": account, "password": kept["password"], "new": kept["new"]}
    else:
        context = {"account": account, "password": None}
    return render(request, "home/accounts/password.html", context)


@requires("org.accounts", kind="page", county_wide=True)
@require_http_methods(["GET", "POST"])
def lockout_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if request.method == "POST":
        username = request.POST.get("username", "").strip()
        if username and services.lockout_release(username=username, actor=user):
            messages.success(request, f"已解除「{username}」的登录锁定")
        else:
            messages.error(request, "该登录名没有被锁定")
        return redirect("home:lockout_list")
    return render(request, "home/accounts/lockouts.html", {"lockouts": services.lockouts(), "roles": Role})
