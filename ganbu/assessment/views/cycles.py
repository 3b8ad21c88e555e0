"""考核年度 pages: the index (the office's cycles; a unit's own 目标责任书 and results; a leading
group's indicators), creating and opening a cycle, the cycle page (what is still missing,
computing, sealing, correcting), the results and their export."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganbu.assessment import documents, events, rules, selectors, services
from ganbu.assessment.forms import CycleForm
from ganbu.assessment.models import Computation, Cycle, CycleStatus, Scheme
from ganbu.core.office import DOCX, XLSX, audited_attachment
from ganbu.org.access import request_user, requires
from ganbu.org.selectors import unit_categories, units_of_category


@requires("assessment.view", kind="page")
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    office = services.is_office(user)
    context = {
        "office": office,
        "cycles": Cycle.objects.annotate(n=Count("participants")) if office else [],
        "mine": selectors.participants_in_scope(user).order_by("-cycle__year") if not office else [],
        "leads": _lead_tasks(user) if not office else [],
    }
    return render(request, "assessment/index.html", context)


def _lead_tasks(user: object) -> list[dict[str, object]]:
    """The indicators this account's unit leads in open cycles."""
    tasks = []
    for cycle in Cycle.objects.filter(status=CycleStatus.OPEN):
        for status in selectors.cycle_leaf_status(cycle):
            leaf = services.leaf_of(status.track, status.code)
            if leaf.lead and services.may_enter(user, leaf):  # type: ignore[arg-type]
                tasks.append({"cycle": cycle, "status": status})
    return tasks


@requires("assessment.manage", kind="page", county_wide=True)
@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest) -> HttpResponse:
    form = CycleForm(request.POST or None)
    categories = unit_categories()
    schemes = [s for s in Scheme.objects.all() if not services.problems(s.definition)]
    chosen = {c: request.POST.get(f"scheme-{i}", "") for i, (c, _) in enumerate(categories)}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            specs = []
            for category, scheme_id in chosen.items():
                if scheme_id:
                    scheme = get_object_or_404(Scheme, pk=scheme_id)
                    units = units_of_category(category)
                    specs.append(services.TrackSpec(category, scheme, units))
            try:
                cycle = services.create_cycle(
                    actor=request_user(request),
                    year=form.cleaned_data["year"],
                    name=form.cleaned_data["name"],
                    tracks=specs,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, f"已新建「{cycle.name}」。核对参加单位后，点击「开始考核」。")
                return redirect("assessment:cycle_detail", pk=cycle.pk)
        status = 400
    rows = [(i, c, n, chosen.get(c, "")) for i, (c, n) in enumerate(categories)]
    return render(
        request, "assessment/cycle_form.html", {"form": form, "rows": rows, "schemes": schemes}, status=status
    )


@requires("assessment.manage", kind="detail", model=Cycle, county_wide=True)
@require_GET
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle, pk=pk)
    tracks = []
    compositions = []
    for track in cycle.tracks.select_related("scheme"):
        run = services.current(track)
        columns: list[str] = []
        lines: dict[str, list[str]] = {}
        if run is not None:
            chart = selectors.composition_chart(track, run.output, f"chart-track-{track.pk}")
            compositions.append(chart)
            columns = [s["name"] for s in chart["series"] if s["name"] != "加分"]
            for i, name in enumerate(chart["units"]):
                lines[name] = [f"{s['data'][i]:.2f}" for s in chart["series"] if s["name"] != "加分"]
        n = track.participants.count()
        scheme = (
            rules.parse_scheme(track.scheme.definition)
            if not services.problems(track.scheme.definition)
            else None
        )
        places = [
            f"{g.name}（{g.min_score} 分以上）最多 {g.places(n)} 个"
            for g in (scheme.grades if scheme else ())
            if g.places(n) is not None
        ]
        tracks.append(
            {
                "track": track,
                "places": "；".join(places),
                "participants": list(track.participants.select_related("unit")),
                "run": run,
                "results": [
                    (r, lines.get(r.participant.unit.name, []))
                    for r in (run.results.select_related("participant__unit") if run else [])
                ],
                "columns": columns,
                "runs": list(track.computations.order_by("-id")),
            }
        )
    charts = {"compositions": compositions}
    context = {
        "cycle": cycle,
        "tracks": tracks,
        "charts": charts,
        "statuses": selectors.cycle_leaf_status(cycle) if cycle.status != CycleStatus.DRAFT else [],
        "seal_problems": services.seal_check(cycle) if cycle.status == CycleStatus.OPEN else [],
    }
    return render(request, "assessment/cycle_detail.html", context)


def _act(request: HttpRequest, cycle: Cycle, action: str) -> None:
    user = request_user(request)
    reason = request.POST.get("reason", "")
    try:
        if action == "open":
            services.open_cycle(cycle=cycle, actor=user)
            messages.success(request, "已开始考核：方案已锁定，各单位可以申报目标责任书。")
        elif action == "compute":
            runs = services.compute(cycle=cycle, actor=user, reason=reason)
            word = "更正" if cycle.status == CycleStatus.SEALED else "计分"
            messages.success(request, f"已{word}：{len(runs)} 个类别。")
        elif action == "seal":
            sealed = services.seal(cycle=cycle, actor=user)
            messages.success(request, f"考核结果已封存，摘要 {sealed.seal_digest[:16]}… 已记入记实。")
    except ValidationError as exc:
        messages.error(
            request, "未完成：" + "；".join(exc.messages[:20]) + ("……" if len(exc.messages) > 20 else "")
        )


@requires("assessment.manage", kind="action", model=Cycle, county_wide=True)
@require_POST
def cycle_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    cycle = get_object_or_404(Cycle, pk=pk)
    if action not in ("open", "compute", "seal"):
        raise PermissionDenied("没有这个操作")
    _act(request, cycle, action)
    return redirect("assessment:cycle_detail", pk=cycle.pk)


@requires("assessment.manage", kind="export", model=Cycle, county_wide=True)
@require_GET
def results_export(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle, pk=pk)
    content = documents.results_xlsx(cycle)
    return audited_attachment(
        content,
        f"{cycle.name}结果.xlsx",
        XLSX,
        actor=request_user(request),
        action=events.RESULT_EXPORT,
        obj=cycle,
    )


@requires("assessment.manage", kind="detail", model=Cycle, county_wide=True)
@require_GET
def run_detail(request: HttpRequest, pk: int, run_id: int) -> HttpResponse:
    """One computation as it was (a sealed one stays visible after a correction)."""
    cycle = get_object_or_404(Cycle, pk=pk)
    run = get_object_or_404(
        Computation.objects.select_related("track", "computed_by"), pk=run_id, cycle=cycle
    )
    current = services.current(run.track)
    context = {"cycle": cycle, "run": run, "is_current": current is not None and current.pk == run.pk}
    return render(request, "assessment/run_detail.html", context)


@requires("assessment.manage", kind="export", model=Cycle, county_wide=True)
@require_GET
def bulletin_export(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = get_object_or_404(Cycle, pk=pk)
    return audited_attachment(
        documents.bulletin_docx(cycle),
        f"关于{cycle.name}结果的通报.docx",
        DOCX,
        actor=request_user(request),
        action=events.BULLETIN_EXPORT,
        obj=cycle,
    )


@requires("assessment.manage", kind="page", county_wide=True)
@require_http_methods(["GET", "POST"])
def bottom_list(request: HttpRequest) -> HttpResponse:
    """末位名单 of a year: units last in their category two sealed years running, and the measure."""
    from ganbu.assessment.models import BottomEntry
    from ganbu.assessment.services import bottom

    user = request_user(request)
    try:
        year = int(
            request.GET.get("year")
            or request.POST.get("year")
            or Cycle.objects.filter(status=CycleStatus.SEALED).values_list("year", flat=True).first()
            or 0
        )
    except ValueError:
        year = 0
    if request.method == "POST":
        try:
            if request.POST.get("action") == "refresh":
                made = bottom.refresh_bottom_list(year=year, actor=user)
                messages.success(request, f"已列出 {len(made)} 个新的末位单位。")
            else:
                entry = get_object_or_404(BottomEntry, pk=request.POST.get("entry") or 0)
                bottom.decide_measure(
                    entry=entry,
                    actor=user,
                    measure=request.POST.get("measure", ""),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, "措施已记录。")
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        return redirect(f"{request.path}?year={year}")
    entries = BottomEntry.objects.filter(year=year).select_related("unit", "decided_by")
    sealed = set(
        Cycle.objects.filter(status=CycleStatus.SEALED, year__in=[year - 1, year]).values_list(
            "year", flat=True
        )
    )
    unsealed = [str(y) for y in (year - 1, year) if y not in sealed]  # two years are needed to judge
    return render(
        request,
        "assessment/bottom_list.html",
        {"year": year, "entries": entries, "measures": BottomEntry.MEASURES, "unsealed": unsealed},
    )


urlpatterns: list[URLPattern] = [
    path("cycles/new/", cycle_create, name="cycle_create"),
    path("bottom/", bottom_list, name="bottom_list"),
    path("cycles/<int:pk>/", cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/results.xlsx", results_export, name="results_export"),
    path("cycles/<int:pk>/bulletin.docx", bulletin_export, name="bulletin_export"),
    path("cycles/<int:pk>/runs/<int:run_id>/", run_detail, name="run_detail"),
    path("cycles/<int:pk>/<str:action>/", cycle_action, name="cycle_action"),
]
