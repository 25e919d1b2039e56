"""The one PDF renderer: a template rendered to HTML, then to PDF by WeasyPrint."""

import gc
import threading
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string

LARGE_PRINT_CSS = settings.BASE_DIR / "static" / "portal" / "pdf-large-print.css"


def _static_root() -> Path:
    return (Path(settings.BASE_DIR) / "static").resolve()


@cache
def static_only_fetcher_class():
    """A WeasyPrint URL fetcher that loads files from our own `static/` folder and data: URIs,
    and nothing else: no network (a name or note with an <img src="http://..."> in it cannot
    make the server call out), no other file on disk (no file:///etc/passwd into a PDF)."""
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file" and not parts.netloc:
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(_static_root()) and path.is_file():
                    return super().fetch(url, headers)
            raise ValueError(f"PDFs load only the portal's own static files, not {url[:80]}")

    return StaticOnlyFetcher


_fonts = threading.local()
_fetchers = threading.local()


def _fetcher():
    """One static-only fetcher per thread, kept: building one sets up urllib's nine handlers and
    reads the proxy settings from the environment, about 0.7 ms, which a certificate (it loads no
    file at all) otherwise paid for every PDF. It keeps a request between its `open` and `fetch`,
    hence one per thread."""
    if getattr(_fetchers, "fetcher", None) is None:
        _fetchers.fetcher = static_only_fetcher_class()(
            allowed_protocols=("file", "data"), allow_redirects=False
        )
    return _fetchers.fetcher


def font_config():
    """One WeasyPrint font configuration per thread, kept: building it asks fontconfig about
    every font on the machine, a few milliseconds that a one-page certificate otherwise pays
    each time. We load no @font-face fonts, so it never changes; Pango is not thread-safe,
    hence one per thread."""
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_fonts, "config", None) is None:
        _fonts.config = FontConfiguration()
    return _fonts.config


@contextmanager
def _collector_paused():
    """Python's cycle collector held off while WeasyPrint builds a PDF, then run once on what the
    PDF left. A certificate makes tens of thousands of boxes and styles; counting them, the
    collector ran about five times during each, and every thirtieth certificate or so walked all
    of a Django process's objects (about 180,000): 6-9 ms of a certificate's 45. Only the youngest
    generation is collected after, which holds everything the PDF made, so a batch still frees
    each PDF's garbage before the next one. Left off if something else had turned it off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)


@cache
def _stylesheet(path: Path):
    """A stylesheet of ours, parsed once: parsing it again for every PDF was a fifth of a
    certificate's time."""
    from weasyprint import CSS

    fetcher = static_only_fetcher_class()(allowed_protocols=("file", "data"), allow_redirects=False)
    return CSS(filename=str(path), url_fetcher=fetcher)


def render_pdf(
    template_name: str, context: dict, *, large_print: bool = False, target=None, stylesheet: str = ""
) -> bytes | None:
    """Render `templates/pdf/<name>.html`; images and CSS load from `static/` on disk only.

    Given a `target` (a file open for writing), the PDF is written there and None returned:
    a batch writes each PDF straight into its ZIP.

    `large_print` is the one switch for a person who asked for large print: the same template
    with the large-print stylesheet laid over it, so no template needs its own variant.

    `stylesheet` names a file in `static/portal/` with the template's styles, parsed once per
    process instead of from a `<style>` each time (what a PDF made often, such as a certificate,
    should use). It is a user stylesheet, which here means only that the large-print one (also
    a user stylesheet, but `!important`) still wins."""
    # Imported here: WeasyPrint takes about a second to import and most requests never need it.
    from weasyprint import HTML

    ctx = {"organisation_name": settings.PORTAL_ORGANISATION_NAME, "large_print": large_print, **context}
    stylesheets = [_stylesheet(_static_root() / "portal" / stylesheet)] if stylesheet else []
    if large_print:
        stylesheets.append(_stylesheet(LARGE_PRINT_CSS))
    with _collector_paused():
        html = render_to_string(template_name, ctx)
        return HTML(string=html, base_url=str(_static_root()), url_fetcher=_fetcher()).write_pdf(
            target, stylesheets=stylesheets, font_config=font_config()
        )
