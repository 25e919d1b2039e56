"""One way to page a list (issue 12): Django's Paginator, the query string kept for the links
(templates/partials/pagination.html), and a sort chosen from a fixed list."""

import sys

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, F, Func, IntegerField, Subquery, Window
from django.utils.functional import cached_property

# One page size for every list: a GOV.UK table of 25 rows reads on a phone and renders in a
# few milliseconds (docs/performance.md); a page size per list was a rule in seven places.
PAGE_SIZE = 25


def paginate(
    request, rows, per_page: int = PAGE_SIZE, param: str = "page", count_rows=None
) -> tuple[Page, str]:
    """The requested page of `rows` (an ordered queryset) and the rest of the query string,
    without `param`, for the pagination links (pass both to partials/pagination.html).
    `count_rows`: the same rows without the joins `rows` reads its columns through, to count,
    or a function that gives the count (CountedPaginator)."""
    if count_rows is None:
        paginator = Paginator(rows, per_page)
    else:
        paginator = CountedPaginator(rows, per_page, count_rows=count_rows)
    page = paginator.get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    return page, query.urlencode()


def paginate_counted(
    request, rows, per_page: int = PAGE_SIZE, param: str = "page", *, keys=None
) -> tuple[Page, str]:
    """`paginate` in one query instead of two: the page's rows (an ordered queryset) carry the
    list's length, so the paginator asks no COUNT of its own. Each query is about a millisecond
    of building, planning and a round trip whatever it reads (docs/performance.md).

    Counted by the database before the limit (`COUNT(*) OVER ()`); or, with `keys` (the rows'
    ordered primary keys), the page's keys are a subquery with the
    limit and the count another, so the rows' joins are made for the page's rows only. The
    page is the one `paginate` gives: only a number past the end or below 1, or an empty list,
    fetches nothing and so falls back to `paginate`."""
    # The number's form checked as get_page checks it, before anything is counted.
    probe = Paginator((), per_page)
    probe.count = sys.maxsize
    try:
        number = probe.validate_number(request.GET.get(param))
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        return paginate(request, rows, per_page, param)
    bottom = (number - 1) * per_page
    if keys is None:
        found = list(rows.annotate(list_length=Window(Count("pk")))[bottom : bottom + per_page])
    else:
        length = keys.order_by().values_list(Func(F("pk"), function="COUNT"))
        found = list(
            rows.filter(pk__in=keys[bottom : bottom + per_page]).annotate(
                list_length=Subquery(length, output_field=IntegerField())
            )
        )
    if not found:
        return paginate(request, rows, per_page, param)
    paginator = Paginator(rows, per_page)
    for row in found:
        paginator.count = row.pop("list_length") if isinstance(row, dict) else row.__dict__.pop("list_length")
    page = paginator.page(number)
    page.object_list = found
    query = request.GET.copy()
    query.pop(param, None)
    return page, query.urlencode()


class CountedPaginator(Paginator):
    """A Paginator that counts the same rows with a leaner queryset: the annotations and joins
    a page shows (how each claim is paid, say) make PostgreSQL's count slower without changing
    it (docs/performance.md)."""

    def __init__(self, object_list, per_page, *, count_rows, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._count_rows = count_rows

    @cached_property
    def count(self) -> int:
        if callable(self._count_rows):
            return self._count_rows()
        return self._count_rows.count()


def sort_order(request, options: dict[str, tuple[str, tuple[str, ...]]], default: str):
    """The sort the person asked for (`?sort=`) if it is one of `options` (key -> (label,
    order_by fields)), else `default`: an unknown value never reaches order_by. Returns the
    order_by fields and the links for partials/sort.html (each keeps the other filters and
    goes back to the first page)."""
    key = request.GET.get("sort", default)
    if key not in options:
        key = default
    links = []
    for option, (label, _fields) in options.items():
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"] = option
        links.append({"label": label, "query": query.urlencode(), "current": option == key})
    return options[key][1], links
