"""The documents of a case (`selection/documents.py`) as downloads: 考察预告, 考察材料, 干部任免审批表,
任前公示, 任职通知 and the 选拔任用工作纪实表, each offered once the step it needs is recorded.

The 考察材料 and the 任免审批表 carry personal data beyond a public notice (the 任免审批表 lists the
family): they are for roles with `cadres.view_sensitive` only; 干部监督 may take the public notices
and the 纪实表.

The 组织部 keeps an issued notice (考察预告, 任前公示, 任职通知) on its step with 「存档」 (a POST,
`records.document_archive`): the case page offers it beside the download.

The route's kwarg is `document`, not `name`: the scope walk fills URL kwargs by name across apps,
and `name` is already assessment's (`annual/<pk>/<name>`, filled with `summary.xlsx`)."""

from __future__ import annotations

from typing import NamedTuple

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_POST

from ganbu.cadres import selectors as cadre_selectors
from ganbu.core.office import audited_attachment
from ganbu.org.access import request_user, requires
from ganbu.org.models import User
from ganbu.selection import events, selectors
from ganbu.selection.documents import DOCUMENTS, available_documents, document_filename
from ganbu.selection.models import Case
from ganbu.selection.services import records


class Download(NamedTuple):
    """(name, label) of a document; the page asks whether it may be archived (存档)."""

    name: str
    label: str

    @property
    def archivable(self) -> bool:
        return DOCUMENTS[self.name].archivable


def documents_for(case: Case, user: User | None = None) -> list[Download]:
    """(name, label) of the documents available at the case's stage; with `user`, only those the
    user may take."""
    allowed = user is None or cadre_selectors.sees_sensitive(user)
    return [Download(s.name, s.label) for s in available_documents(case) if allowed or not s.sensitive]


@requires("selection.view", kind="export", model=Case)
@require_GET
def case_document(request: HttpRequest, pk: int, document: str) -> HttpResponse:
    user = request_user(request)
    case = selectors.case_for_user(user, pk)
    spec = DOCUMENTS.get(document)
    if spec is None:
        raise Http404("没有这个文件")
    if spec.sensitive and not cadre_selectors.sees_sensitive(user):
        raise PermissionDenied(f"「{spec.label}」含干部个人信息，您的角色不能下载")
    if spec not in available_documents(case):
        raise Http404(f"「{spec.label}」所需的环节尚未记录")
    filename, content_type = document_filename(case, spec)
    return audited_attachment(
        spec.build(case),
        filename,
        content_type,
        actor=user,
        action=events.EXPORT,
        obj=case,
        unit_path=case.unit.path,
        payload={"document": spec.name, "label": spec.label},
    )


@requires("selection.manage", kind="action", model=Case)
@require_POST
def case_document_archive(request: HttpRequest, pk: int, document: str) -> HttpResponse:
    """存档 - the notice as generated now, kept on its step (`records.document_archive`)."""
    user = request_user(request)
    case = selectors.case_for_user(user, pk)
    spec = DOCUMENTS.get(document)
    if spec is None or not spec.archivable:
        raise Http404("没有这个可存档的文件")
    try:
        stored = records.document_archive(case=case, document=document, actor=user)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, f"已存档「{stored.name}」，校验码 {stored.sha256[:16]}")
    return redirect("selection:case", pk=case.pk)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/documents/<str:document>", case_document, name="document"),
    path("<int:pk>/documents/<str:document>/archive", case_document_archive, name="document_archive"),
]
