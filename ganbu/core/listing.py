"""One way for every list page to sort by a column, choose its page size and jump to a page.

A view declares the columns it may be sorted by (`Sorts`: key → the fields of its ORDER BY, the
default first) and calls `listing(request, queryset, sorts)`; the template renders each sortable
header with `{% sort_header listing "日期" "date" %}` and the pager with
`{% include "_pager.html" with page=listing.page %}` (page size, jump to page, previous / next).
Only the declared keys are accepted (`?sort=-date`; anything else is the default, never passed to
the database), and the page size is one of PAGE_SIZES.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

PAGE_SIZES = (20, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50


@dataclass(frozen=True)
class Sorts:
    """Sortable columns: key → ORDER BY fields in ascending order (a descending sort reverses each,
    the tie-breaker included). `default` is a key, with "-" for descending, or "" to keep the
    queryset's own order until a column is chosen."""

    columns: Mapping[str, Sequence[str]]
    default: str

    def order_by(self, sort: str) -> tuple[str, ...]:
        key = sort.removeprefix("-")
        fields = self.columns[key]
        if not sort.startswith("-"):
            return tuple(fields)
        return tuple(f[1:] if f.startswith("-") else f"-{f}" for f in fields)

    def accepted(self, value: str) -> str:
        return value if value.removeprefix("-") in self.columns else self.default


@dataclass
class Listing:
    page: Page[Any]
    sort: str
    page_size: int
    query: str  # the query string without page, for the pager's links
    query_without_sort: str  # … and without sort, for the header links
    page_sizes: tuple[int, ...] = PAGE_SIZES


def _size(request: HttpRequest) -> int:
    try:
        size = int(request.GET.get("size", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def listing(
    request: HttpRequest,
    queryset: QuerySet[Any],
    sorts: Sorts | None = None,
    *,
    params: QueryDict | None = None,
) -> Listing:
    """The page of `queryset` the request asks for, sorted by a declared column. The links keep
    `params` (default: the request's query), so a view that masks a searched value (a 身份证号
    the user may not see) passes the masked copy and the links never echo it back."""
    sort = sorts.accepted(request.GET.get("sort", "")) if sorts else ""
    if sorts and sort:
        queryset = queryset.order_by(*sorts.order_by(sort))
    size = _size(request)
    page = Paginator(queryset, size).get_page(request.GET.get("page"))
    query = (params if params is not None else request.GET).copy()
    query.pop("page", None)
    without_sort = query.copy()
    without_sort.pop("sort", None)
    return Listing(page, sort, size, query.urlencode(), without_sort.urlencode())
