"""The one PDF renderer: a template rendered to HTML, then to PDF by WeasyPrint."""

from django.conf import settings
from django.template.loader import render_to_string

LARGE_PRINT_CSS = settings.BASE_DIR / "static" / "portal" / "pdf-large-print.css"


def render_pdf(template_name: str, context: dict, *, large_print: bool = False) -> bytes:
    """Render `templates/pdf/<name>.html`; images and CSS load from `static/` on disk.

    `large_print` is the one switch for a person who asked for large print: the same template
    with the large-print stylesheet laid over it, so no template needs its own variant."""
    # Imported here: WeasyPrint takes about a second to import and most requests never need it.
    from weasyprint import CSS, HTML

    ctx = {"organisation_name": settings.PORTAL_ORGANISATION_NAME, "large_print": large_print, **context}
    html = render_to_string(template_name, ctx)
    stylesheets = [CSS(filename=str(LARGE_PRINT_CSS))] if large_print else []
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf(stylesheets=stylesheets)
