"""Entering the figures: one page per indicator of a category (the office or the indicator's 牵头单位),
and one page per unit (its 目标责任书: declared by the unit, reviewed and signed by the office;
progress; its results once sealed)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ganbu.assessment import documents, events, rules, services
from ganbu.assessment.models import CycleStatus, Incident, Participant, ProgressFile, TargetStatus, Track
from ganbu.assessment.selectors import participants_in_scope, sealed_results_of_unit
from ganbu.assessment.services import files
from ganbu.assessment.services.cycles import EVENT_RULES, FIGURE_RULES, RANK_RULES, TARGET_RULES
from ganbu.core.downloads import attachment
from ganbu.core.office import DOCX, audited_attachment
from ganbu.org.access import request_user, requires
from ganbu.org.models import User


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages[:30]:
        messages.error(request, message)


def track_for(user: User, pk: int, code: str) -> tuple[Track, object]:
    track = get_object_or_404(Track.objects.select_related("cycle", "scheme"), pk=pk)
    try:
        leaf = services.leaf_of(track, code)
    except ValidationError:
        raise Http404("没有这个指标") from None
    if not services.may_enter(user, leaf):
        raise PermissionDenied("该指标由牵头单位或考核办填报")
    return track, leaf


def _post_leaf(request: HttpRequest, user: User, track: Track, leaf: object, code: str) -> int | str:
    """What was saved: a count, or the sentence naming the 民主测评 sessions created."""
    rule = getattr(leaf, "rule", "")
    participants = list(track.participants.all())
    if request.POST.get("action") == "difficulty":
        return services.set_difficulty(
            track=track,
            leaf_code=code,
            actor=user,
            values={p.pk: request.POST.get(f"d-{p.pk}", "") for p in participants},
        )
    if rule in TARGET_RULES:
        return services.enter_actuals(
            track=track,
            leaf_code=code,
            actor=user,
            values={p.pk: request.POST.get(f"v-{p.pk}", "") for p in participants},
        )
    if rule in RANK_RULES:
        return services.enter_rankings(
            track=track,
            leaf_code=code,
            actor=user,
            rater=request.POST.get("rater", ""),
            ranks={p.pk: request.POST.get(f"v-{p.pk}", "") for p in participants},
        )
    if rule in EVENT_RULES and request.POST.get("action") == "delete":
        incident = get_object_or_404(
            Incident, pk=request.POST.get("incident") or 0, participant__track=track, leaf=code
        )
        services.delete_incident(incident=incident, actor=user)
        return 1
    if rule in EVENT_RULES:
        participant = get_object_or_404(Participant, pk=request.POST.get("participant") or 0, track=track)
        try:
            happened = date.fromisoformat(request.POST.get("date", ""))
        except ValueError:
            raise ValidationError("日期格式应为 2026-01-31") from None
        services.add_incident(
            participant=participant,
            leaf_code=code,
            actor=user,
            happened_on=happened,
            reason=request.POST.get("reason", ""),
            points=request.POST.get("points"),
            level=request.POST.get("level", ""),
        )
        return 1
    if rule in ("ballot", "satisfaction"):
        expected = {name: request.POST.get(f"e-{name}", "") for name in getattr(leaf, "groups", {})}
        mode = request.POST.get("mode", "electronic")
        figures = services.create_ballots(
            track=track, leaf_code=code, expected=expected, actor=user, mode=mode
        )
        titles = [f.ballot_session.title for f in figures if f.ballot_session is not None]
        return f"已创建 {len(titles)} 个民主测评：{'、'.join(titles)}。" if titles else 0
    return services.enter_figures(
        track=track,
        leaf_code=code,
        actor=user,
        values={
            p.pk: (request.POST.get(f"v-{p.pk}", ""), request.POST.get(f"n-{p.pk}", "")) for p in participants
        },
    )


@requires("assessment.view", kind="detail", model=Track)
@require_http_methods(["GET", "POST"])
def leaf_entry(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    user = request_user(request)
    track, leaf = track_for(user, pk, code)
    if request.method == "POST":
        try:
            n = _post_leaf(request, user, track, leaf, code)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, n if isinstance(n, str) else f"已保存 {n} 项。")
            return redirect("assessment:leaf_entry", pk=track.pk, code=code)
    rule = getattr(leaf, "rule", "")
    participants = list(
        track.participants.select_related("unit").prefetch_related(
            "targets", "figures__ballot_session", "incidents"
        )
    )
    rows = []
    for p in participants:
        target = next((t for t in p.targets.all() if t.leaf == code), None)
        figure = next((f for f in p.figures.all() if f.leaf == code), None)
        rows.append(
            {
                "p": p,
                "target": target,
                "figure": figure,
                "incidents": [i for i in p.incidents.all() if i.leaf == code],
                "coefficient": (p.difficulty or {}).get(code, ""),
                "post": request.POST.get(f"v-{p.pk}") if request.method == "POST" else None,
            }
        )
    raters = sorted(set(track.rankings.filter(leaf=code).values_list("rater", flat=True)))
    context = {
        "track": track,
        "cycle": track.cycle,
        "leaf": leaf,
        "rule": rule,
        "kind": "target"
        if rule in TARGET_RULES
        else "rank"
        if rule in RANK_RULES
        else "event"
        if rule in EVENT_RULES
        else "figure",
        "ballot_rule": rule in FIGURE_RULES and rule in ("ballot", "satisfaction"),
        "rows": rows,
        "raters": raters,
        "editable": track.cycle.status == CycleStatus.OPEN
        or (track.cycle.status == CycleStatus.SEALED and services.is_office(user)),
        "correcting": track.cycle.status == CycleStatus.SEALED and services.is_office(user),
        "difficulty": services.difficulty_range(track)
        if services.is_office(user) and rule not in rules.NO_DIFFICULTY_RULES
        else None,
        "today": timezone.localdate(),
    }
    return render(
        request, "assessment/leaf_entry.html", context, status=400 if request.method == "POST" else 200
    )


def _report(request: HttpRequest, user: User, participant: Participant) -> None:
    """The progress texts and attachments of every target, all or nothing."""
    for t in participant.targets.all():
        text = request.POST.get(f"p-{t.leaf}")
        if text is not None and text.strip() != t.progress:
            services.report_progress(target=t, actor=user, text=text)
        for upload in request.FILES.getlist(f"f-{t.leaf}")[: files.MAX_FILES]:
            if upload.size is not None and upload.size > files.MAX_BYTES:
                raise ValidationError(f"「{upload.name}」超过 10MB，请压缩后上传")
            services.attach_progress_file(target=t, actor=user, name=upload.name or "", content=upload.read())


def _participant_for(user: User, pk: int) -> Participant:
    return get_object_or_404(participants_in_scope(user), pk=pk)


@requires("assessment.view", kind="detail", model=Participant)
@require_http_methods(["GET", "POST"])
def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    participant = _participant_for(user, pk)
    office = services.is_office(user)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            with transaction.atomic():  # every change of the form, or none
                if action == "declare":
                    services.declare_targets(
                        participant=participant,
                        actor=user,
                        values={
                            t.leaf: request.POST.get(f"t-{t.leaf}", "") for t in participant.targets.all()
                        },
                    )
                    messages.success(request, "目标责任书已申报，等待考核办审核。")
                elif action == "progress":
                    _report(request, user, participant)
                    messages.success(request, "进展情况已报送。")
                elif office and action == "adjust":
                    for t in participant.targets.all():
                        value = request.POST.get(f"a-{t.leaf}", "")
                        if value.strip():
                            services.adjust_target(
                                target=t, actor=user, value=value, reason=request.POST.get(f"r-{t.leaf}", "")
                            )
                    messages.success(request, "审定目标值已保存。")
                elif office and action == "sign":
                    services.sign_targets(participant=participant, actor=user)
                    messages.success(request, "目标责任书已签订，不能再修改。")
                elif office and action == "return":
                    services.return_targets(
                        participant=participant, actor=user, reason=request.POST.get("reason", "")
                    )
                    messages.success(request, "目标责任书已退回单位修改。")
                else:
                    raise PermissionDenied("没有这个操作")
        except ValidationError as exc:
            _errors(request, exc)
        else:
            return redirect("assessment:participant_detail", pk=participant.pk)
    names = {leaf.code: leaf for leaf in services.leaves(participant.track)}
    sealed = participant.cycle.status == CycleStatus.SEALED
    result = None
    derivations: list[tuple[str, str, str, str]] = []
    if sealed or office:
        run = services.current(participant.track)
        if run is not None:
            unit = next((u for u in run.output["units"] if u["code"] == participant.unit.code), None)
            result = unit
            if unit:
                derivations = [
                    (code, names[code].name if code in names else code, v["points"], v["derivation"])
                    for code, v in unit["indicators"].items()
                ]
    history = sealed_results_of_unit(participant.unit)
    context = {
        "participant": participant,
        "cycle": participant.cycle,
        "office": office,
        "targets": [(t, names.get(t.leaf)) for t in participant.targets.prefetch_related("files")],
        "can_declare": participant.target_status == TargetStatus.OPEN
        and participant.cycle.status == CycleStatus.OPEN,
        "declared": participant.target_status == TargetStatus.DECLARED,
        "signed": participant.target_status == TargetStatus.SIGNED,
        "result": result,
        "derivations": derivations,
        "history": history,
        "charts": {
            "trend": {
                "years": [str(r.participant.cycle.year) for r in history],
                "ranks": [r.rank for r in history],
            }
        },
    }
    return render(
        request, "assessment/participant.html", context, status=400 if request.method == "POST" else 200
    )


@requires("assessment.view", kind="export", model=Participant)
@require_GET
def progress_file(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    """An attachment, through the scope check, always as a download."""
    participant = _participant_for(request_user(request), pk)
    item = get_object_or_404(ProgressFile, pk=file_id, target__participant=participant)
    with item.file.open("rb") as handle:
        return attachment(handle.read(), item.name, item.content_type)


@requires("assessment.view", kind="export", model=Participant)
@require_GET
def targets_export(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant_for(request_user(request), pk)
    return audited_attachment(
        documents.targets_docx(participant),
        f"{participant.unit.name}{participant.cycle.year}年度目标责任书.docx",
        DOCX,
        actor=request_user(request),
        action=events.TARGETS_EXPORT,
        obj=participant,
        unit_path=participant.unit.path,
    )


urlpatterns: list[URLPattern] = [
    path("tracks/<int:pk>/leaves/<str:code>/", leaf_entry, name="leaf_entry"),
    path("units/<int:pk>/", participant_detail, name="participant_detail"),
    path("units/<int:pk>/targets.docx", targets_export, name="targets_export"),
    path("units/<int:pk>/files/<int:file_id>/", progress_file, name="progress_file"),
]
