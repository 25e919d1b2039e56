"""One way to page a list (issue 12): Django's Paginator, the query string kept for the links
(templates/partials/pagination.html), and a sort chosen from a fixed list."""

import sys

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, F, Func, IntegerField, Subquery, Window
from django.db.models.functions import RowNumber
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
    bounds = page_bounds(request, param, per_page)
    if not bounds:
        return paginate(request, rows, per_page, param)
    bottom, number = bounds["bottom"], bounds["top"] // per_page
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


def page_bounds(request, param: str = "page", per_page: int | None = None) -> dict:
    """The requested page's `bottom` and `top` (rows bottom + 1 to top), its number's form
    checked as get_page checks it before anything is counted: not a number is page 1; {} for
    a number below 1 or past any list (the caller then asks as get_page would). For
    paginate_counted, and for compiled_page to fetch its query in a portal.compiled.batch
    with the page's other queries."""
    size = per_page or PAGE_SIZE
    probe = Paginator((), size)
    probe.count = sys.maxsize  # the number's form checked as get_page checks it
    try:
        number = probe.validate_number(request.GET.get(param))
    except PageNotAnInteger:
        number = 1
    except EmptyPage:
        return {}
    return {"bottom": (number - 1) * size, "top": number * size}


def compiled_page(request, query, *, param: str = "page", per_page: int | None = None, **values):
    """The requested page of a list and the rest of the query string, as
    `paginate` gives them, from one compiled, prepared query
    (portal.compiled.Compiled) on each visit rather than the ORM building a paged query and a
    count: for a person's own long lists read on every visit (their claims). `query`
    (numbered_page) takes `values`, `bottom` and `top` and gives the rows numbered bottom + 1
    to top in the list's order (a ROW_NUMBER window, since Compiled takes no OFFSET), each
    ending with the list's length. A page number past the list or below 1 asks again for the
    last page, as get_page gives it."""
    size = per_page or PAGE_SIZE
    bounds = page_bounds(request, param, size)
    rows = query.rows(**bounds, **values) if bounds else []
    paginator = Paginator((), size)
    if rows:
        paginator.count = rows[0][-1]
        number = bounds["top"] // size
    else:
        first = query.rows(bottom=0, top=size, **values)
        paginator.count = first[0][-1] if first else 0
        number = paginator.num_pages
        rows = first if number == 1 else query.rows(bottom=(number - 1) * size, top=number * size, **values)
    page = paginator.page(number)
    page.object_list = [row[:-1] for row in rows]
    rest = request.GET.copy()
    rest.pop(param, None)
    return page, rest.urlencode()


def numbered_keys(rows, order: tuple, *, bottom: int, top: int):
    """The keys of `rows` (a queryset) numbered bottom + 1 to top in `order` (expressions): a
    page's, as a subquery that a Compiled query can take (no OFFSET)."""
    return (
        rows.annotate(row_number=Window(RowNumber(), order_by=order))
        .filter(row_number__gt=bottom, row_number__lte=top)
        .values("pk")
    )


def numbered_page(rows, order: tuple, columns: tuple, *, bottom: int, top: int):
    """The query compiled_page takes: `columns` of `rows` (a queryset) numbered bottom + 1 to
    top in `order` (expressions), and the length of `rows`. The window numbers the keys alone
    and the page's rows are then joined for what they show: joined before the numbering, a busy
    person's 600 claims made PostgreSQL hash the whole participations table."""
    length = rows.order_by().values_list(Func(F("pk"), function="COUNT"))
    return (
        rows.model._default_manager.filter(pk__in=numbered_keys(rows, order, bottom=bottom, top=top))
        .order_by(*order)
        .annotate(list_length=Subquery(length, output_field=IntegerField()))
        .values_list(*columns, "list_length")
    )
