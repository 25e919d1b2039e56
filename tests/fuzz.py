"""Bad input never becomes a 500: every form on every page a persona may open, posted with wrong
types, huge numbers, extreme dates and long strings. Each app's `test_fuzz.py` runs this over
its permission matrix (the URLs and the world the matrix already builds)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.urls import reverse

BAD_VALUES = [
    "abc",
    "9" * 40,  # beyond any column and any 64-bit integer
    "-1",
    "1e400",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "31/02/2026",
    "x" * 5000,
    "",
]
OVERFLOW_CHOICE = "99999999999999999999"


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str, list[str], str]] = field(default_factory=list)  # name, kind, options, value


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(Form(a.get("action") or "", (a.get("method") or "get").lower()))
            return
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "input" and a.get("name"):
            form.fields.append((a["name"], (a.get("type") or "text").lower(), [], a.get("value") or ""))
        elif tag == "textarea" and a.get("name"):
            form.fields.append((a["name"], "textarea", [], ""))
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], [])
            form.fields.append((a["name"], "select", self._select[1], ""))
        elif tag == "option" and self._select is not None:
            self._select[1].append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_on(html: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _payloads(form: Form):
    for bad in BAD_VALUES:
        data: dict[str, list[str]] = {}
        for name, kind, options, value in form.fields:
            if kind in ("submit", "button", "file", "image"):
                continue
            if name.endswith("TOTAL_FORMS") or name.endswith("INITIAL_FORMS"):
                data[name] = [bad]  # a management form that is not a number
            elif kind == "hidden":
                data.setdefault(name, []).append(value)
            elif kind in ("checkbox", "radio"):
                data.setdefault(name, []).append(OVERFLOW_CHOICE if bad == "9" * 40 else value)
            elif kind == "select":
                data[name] = [OVERFLOW_CHOICE if bad == "9" * 40 else (options[-1] if options else "")]
            else:
                data[name] = [bad]
        yield data


def fuzz(client, world: dict, cases) -> list[str]:
    """Post every bad payload to every form of every page; return what broke."""
    broken = []
    for case in cases:
        if case.method != "get":
            continue
        persona = next((p for p in ("contributor", "coordinator", "manager") if case.expect[p] == 200), None)
        if persona is None:
            continue
        client.force_login(world[persona])
        url = reverse(case.url_name, kwargs=case.kwargs(world) if case.kwargs else None) + case.query
        page = client.get(url)
        if page.status_code != 200 or "text/html" not in page.get("Content-Type", ""):
            continue
        for form in forms_on(page.content.decode()):
            target = form.action or url
            if not target.startswith("/") or target.startswith("/accounts/logout"):
                continue
            for data in _payloads(form):
                try:
                    response = (
                        client.post(target, data) if form.method == "post" else client.get(target, data)
                    )
                except Exception as exc:
                    broken.append(f"{persona} {form.method.upper()} {target} {sorted(data)}: {exc!r}"[:400])
                    continue
                if response.status_code >= 500:
                    broken.append(f"{persona} {form.method.upper()} {target}: {response.status_code}")
    return broken
