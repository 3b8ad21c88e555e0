"""The organiser's pages (组织部 / 乡镇 staff with ballots.manage): sessions, codes, meeting control,
the big screen, paper counts, results and exports. Each view parses a form and calls one service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganbu.ballots import conf, documents, rules, selectors, services, slips
from ganbu.ballots.forms import (
    DEFAULT_OPTIONS,
    FORM_KINDS,
    KIND_FIELDS,
    CodesForm,
    MembersForm,
    PaperForm,
    PresentForm,
    SessionForm,
)
from ganbu.ballots.models import BallotSession, SessionMode, SessionStatus
from ganbu.core.forms import add_errors
from ganbu.core.listing import Sorts, listing
from ganbu.core.office import DOCX, XLSX, audited_attachment
from ganbu.org.access import request_user, requires
from ganbu.org.models import User
from ganbu.org.scoping import scope_path


def _session(request: HttpRequest, pk: int) -> BallotSession:
    return selectors.get_session_for_user(request_user(request), pk)


@requires("ballots.manage", kind="list", model=BallotSession)
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    found = listing(request, selectors.sessions_in_scope(user), SESSION_SORTS)
    # the settings page is for organisers whose scope is the whole county (views/settings.py)
    can_edit_settings = scope_path(user) is None
    context = {"page": found.page, "listing": found, "can_edit_settings": can_edit_settings}
    return render(request, "ballots/session_list.html", context)


# the columns the session list sorts by (core.listing): newest first by default
SESSION_SORTS = Sorts(
    {
        "created": ("created_at", "id"),
        "title": ("title", "id"),
        "kind": ("kind", "created_at", "id"),
        "status": ("status", "created_at", "id"),
        "unit": ("unit__path", "created_at", "id"),
    },
    default="-created",
)


def _form_page(
    request: HttpRequest, form: SessionForm, session: BallotSession | None = None, *, extra_rows: int = 0
) -> HttpResponse:
    subject_rows, group_rows = form.rows_for_display(extra_rows)
    context = {
        "form": form,
        "session": session,
        "subject_rows": subject_rows,
        "group_rows": group_rows,
        "templates": [(key, str(t["label"])) for key, t in rules.MEETING_TEMPLATES.items()],
        "kinds": [(key, label) for key, (label, _, _) in FORM_KINDS.items()],
        "kind_fields": KIND_FIELDS,
        "default_options": {k: "\n".join(v) for k, v in DEFAULT_OPTIONS.items()},
    }
    return render(request, "ballots/session_form.html", context)


def _save_session(
    request: HttpRequest, form: SessionForm, save: Callable[[dict[str, Any]], BallotSession], done: str
) -> HttpResponse | None:
    """Validate the form and call the service; the redirect on success, None to show the form."""
    if "add_rows" in request.POST or not form.is_valid():
        return None
    try:
        session = save(form.session_kwargs())
    except ValidationError as exc:
        form.add_service_errors(exc)
        return None
    messages.success(request, done)
    return redirect("ballots:session_detail", pk=session.pk)


@requires("ballots.manage", kind="page")
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    """New session: `?template=` prefills a common meeting, `?kind=` a kind (both work without JS)."""
    user = request_user(request)
    initial: dict[str, Any] = {"denominator": conf.current().consult_denominator}
    initial.update(SessionForm.initial_for_kind(request.GET.get("kind", "")))
    initial.update(SessionForm.initial_for_template(request.GET.get("template", "")))
    form = SessionForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST":
        done = _save_session(
            request,
            form,
            lambda kwargs: services.session_create(**kwargs, actor=user),
            "已创建。电子投票请生成票码（或添加表决成员）后开始投票；纸质票开始投票后录入计票结果。",
        )
        if done is not None:
            return done
    return _form_page(request, form, extra_rows=3 if "add_rows" in request.POST else 0)


@requires("ballots.manage", kind="detail", model=BallotSession)
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a draft (准备中); other states show why not."""
    user = request_user(request)
    session = _session(request, pk)
    if session.status != SessionStatus.DRAFT or session.test_mode:
        return render(request, "ballots/session_form.html", {"form": None, "session": session})
    initial = SessionForm.initial_for_session(
        session, subjects=list(session.subjects.all()), groups=list(session.groups.all())
    )
    form = SessionForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST":
        done = _save_session(
            request,
            form,
            lambda kwargs: services.session_update(session=session, **kwargs, actor=user),
            "已保存修改",
        )
        if done is not None:
            return done
    return _form_page(request, form, session, extra_rows=3 if "add_rows" in request.POST else 0)


@requires("ballots.manage", kind="action", model=BallotSession)
@require_POST
def session_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """A new draft with the same subjects and groups; opens it for editing."""
    session = _session(request, pk)
    try:
        copy = services.session_copy(session=session, actor=request_user(request))
    except ValidationError as exc:
        _error_messages(request, exc)
        return redirect("ballots:session_detail", pk=pk)
    messages.success(request, f"已复制为新的准备中投票「{copy.title}」，请核对后使用")
    return redirect("ballots:session_edit", pk=copy.pk)


@requires("ballots.manage", kind="action", model=BallotSession)
@require_POST
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft (audited); refused once opened."""
    session = _session(request, pk)
    title = session.title
    try:
        services.session_delete(session=session, actor=request_user(request))
    except ValidationError as exc:
        _error_messages(request, exc)
        return redirect("ballots:session_detail", pk=pk)
    messages.success(request, f"已删除「{title}」（已记入记实）")
    return redirect("ballots:session_list")


@requires("ballots.manage", kind="list", model=apps.get_model("cadres", "Cadre"))
@require_GET
def cadre_search(request: HttpRequest) -> JsonResponse:
    """The subject picker's search (ballots/session_form.js): active cadres of the user's scope
    by name, full pinyin or initials, each with unit and current post; without `q`, the first ones."""
    q = request.GET.get("q", "")[:50]
    found = selectors.cadre_choices(request_user(request), q)
    response = JsonResponse({"results": found})
    response["Cache-Control"] = "no-store"
    return response


@requires("ballots.manage", kind="detail", model=BallotSession)
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    context = {
        "session": session,
        "groups": list(session.groups.all()),
        "subjects": list(session.subjects.all()),
        "progress": selectors.session_progress(session),
        "codes_form": CodesForm(session=session, initial={"format": "pdf"}),
        "present_form": PresentForm(session=session),
        "members_form": MembersForm(session=session),
        "voters": selectors.session_voters(session),
        "seal": selectors.seal_check(session),
        "electronic": session.mode == SessionMode.ELECTRONIC,
        "owner": services.owner_module(session) if session.status == "draft" else "",
    }
    return render(request, "ballots/session_detail.html", context)


def _error_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _act(
    request: HttpRequest, session: BallotSession, action: Callable[[User], Any], done: str
) -> HttpResponse:
    """Run one service on the session as the user; its errors (or `done`) become messages."""
    try:
        action(request_user(request))
    except ValidationError as exc:
        _error_messages(request, exc)
    else:
        messages.success(request, done)
    return redirect("ballots:session_detail", pk=session.pk)


def _act_with_present(request: HttpRequest, pk: int, service: Callable[..., Any], done: str) -> HttpResponse:
    """Open the vote or save 实到 - both take the PresentForm's per-group numbers."""
    session = _session(request, pk)
    form = PresentForm(request.POST, session=session)
    if not form.is_valid():
        messages.error(request, "实到人数应为不超过应到人数的非负整数")
        return redirect("ballots:session_detail", pk=pk)
    return _act(request, session, lambda u: service(session=session, present=form.present(), actor=u), done)


@requires("ballots.manage", kind="action", model=BallotSession)
@require_POST
def session_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_with_present(request, pk, services.session_open, "投票已开始")


@requires("ballots.manage", kind="action", model=BallotSession)
@require_POST
def session_present(request: HttpRequest, pk: int) -> HttpResponse:
    return _act_with_present(request, pk, services.session_set_present, "实到人数已保存")


@requires("ballots.manage", kind="action", model=BallotSession)
@require_POST
def session_test_start(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return _act(
        request,
        session,
        lambda u: services.session_test_start(session=session, actor=u),
        "模拟测试已开始（只接受模拟测试票码）",
    )


@requires("ballots.manage", kind="action", model=BallotSession)
@require_POST
def session_test_end(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return _act(
        request,
        session,
        lambda u: services.session_test_end(session=session, actor=u),
        "模拟测试已结束，测试选票和测试票码已全部清除",
    )


@requires("ballots.manage", kind="action", model=BallotSession)
@require_POST
def session_close(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return _act(request, session, lambda u: services.session_close(session=session, actor=u), "投票已结束")


@requires("ballots.manage", kind="action", model=BallotSession)
@require_POST
def session_seal(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return _act(
        request,
        session,
        lambda u: services.session_seal(session=session, actor=u),
        # a paper count has no codes to void
        "结果已封存并写入记实，未使用的票码已作废"
        if session.mode == SessionMode.ELECTRONIC
        else "结果已封存并写入记实",
    )


@requires("ballots.manage", kind="action", model=BallotSession)
@require_POST
def session_codes(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate codes and return them once, as a PDF of QR slips or a CSV. Nothing keeps them."""
    session = _session(request, pk)
    form = CodesForm(request.POST, session=session)
    if not form.is_valid():
        messages.error(request, "请选择评议人类别并填写 1–5000 的数量")
        return redirect("ballots:session_detail", pk=pk)
    group = session.groups.get(pk=int(form.cleaned_data["group"]))
    test = form.cleaned_data["test"]
    try:
        code_list = services.codes_issue(
            session=session,
            group=group,
            count=form.cleaned_data["count"],
            test=test,
            actor=request_user(request),
        )
    except ValidationError as exc:
        _error_messages(request, exc)
        return redirect("ballots:session_detail", pk=pk)
    stem = f"{session.title}_{group.name}_{'模拟测试_' if test else ''}票码"
    kind = form.cleaned_data["format"]
    if kind == "csv":
        content, filename, content_type = slips.codes_csv(code_list), f"{stem}.csv", "text/csv; charset=utf-8"
    else:
        content = slips.codes_pdf(
            session=session,
            group=group,
            code_list=code_list,
            base_url=conf.public_base_url(request),
            test=test,
        )
        filename, content_type = f"{stem}.pdf", "application/pdf"
    # the event names the group, the number and the format; never a code
    return audited_attachment(
        content,
        filename,
        content_type,
        actor=request_user(request),
        action="ballots.codes_export",
        obj=session,
        unit_path=session.unit.path,
        payload={"group": group.name, "count": len(code_list), "test": test, "format": kind},
    )


@requires("ballots.manage", kind="action", model=BallotSession)
@require_POST
def session_members(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = MembersForm(request.POST, session=session)
    if not form.is_valid():
        messages.error(request, "请选择评议人类别和成员账号")
        return redirect("ballots:session_detail", pk=pk)
    group = session.groups.get(pk=int(form.cleaned_data["group"]))
    users = list(form.cleaned_data["users"])
    return _act(
        request,
        session,
        lambda u: services.member_slots_create(session=session, group=group, users=users, actor=u),
        "已添加表决成员：他们可在「我的表决」领取票码",
    )


@requires("ballots.manage", kind="detail", model=BallotSession)
@require_http_methods(["GET", "POST"])
def session_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Paper mode: enter one group's hand count."""
    session = _session(request, pk)
    form = PaperForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        group = session.groups.get(pk=int(form.cleaned_data["group"]))
        try:
            services.paper_count_enter(
                session=session,
                group=group,
                present=form.cleaned_data["present"],
                returned=form.cleaned_data["returned"],
                invalid=form.cleaned_data["invalid"],
                votes=form.votes(),
                write_ins=form.cleaned_data.get("write_ins") or {},
                actor=request_user(request),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"「{group.name}」的计票结果已录入")
            return redirect("ballots:session_detail", pk=pk)
    editable = session.mode == SessionMode.PAPER and session.status in (
        SessionStatus.OPEN,
        SessionStatus.CLOSED,
    )
    return render(
        request, "ballots/paper_form.html", {"session": session, "form": form, "editable": editable}
    )


@requires("ballots.manage", kind="detail", model=BallotSession)
@require_GET
def session_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The big screen (大屏) for the meeting hall: received / expected, refreshed every 2 s."""
    session = _session(request, pk)
    return render(
        request, "ballots/screen.html", {"session": session, "progress": selectors.session_progress(session)}
    )


@requires("ballots.manage", kind="detail", model=BallotSession)
@require_GET
def session_screen_counts(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    response = render(
        request,
        "ballots/_screen_counts.html",
        {"session": session, "progress": selectors.session_progress(session)},
    )
    response["Cache-Control"] = "no-store"
    return response


def _result_or_message(request: HttpRequest, session: BallotSession) -> Any:
    try:
        return selectors.session_result(session)
    except ValidationError as exc:
        messages.info(request, exc.messages[0])
        return None


@requires("ballots.manage", kind="detail", model=BallotSession)
@require_GET
def session_result(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    result = _result_or_message(request, session)
    return render(
        request,
        "ballots/result.html",
        {"session": session, "result": result, "seal": selectors.seal_check(session)},
    )


def _result_attachment(
    request: HttpRequest, session: BallotSession, content: bytes, extension: str, content_type: str
) -> HttpResponse:
    return audited_attachment(
        content,
        f"{session.title}_结果.{extension}",
        content_type,
        actor=request_user(request),
        action="ballots.result_export",
        obj=session,
        unit_path=session.unit.path,
        payload={"format": extension, "status": session.status},
    )


@requires("ballots.manage", kind="export", model=BallotSession)
@require_GET
def session_result_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    result = _result_or_message(request, session)
    if result is None:
        return redirect("ballots:session_detail", pk=pk)
    return _result_attachment(request, session, documents.result_xlsx(result), "xlsx", XLSX)


@requires("ballots.manage", kind="export", model=BallotSession)
@require_GET
def session_result_docx(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    result = _result_or_message(request, session)
    if result is None:
        return redirect("ballots:session_detail", pk=pk)
    return _result_attachment(request, session, documents.result_docx(result), "docx", DOCX)
