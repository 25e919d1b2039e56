"""The one PDF renderer: a template rendered to HTML, then to PDF by WeasyPrint."""

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render `templates/pdf/<name>.html`; images and CSS load from `static/` on disk."""
    # Imported here: WeasyPrint takes about a second to import and most requests never need it.
    from weasyprint import HTML

    ctx = {"organisation_name": settings.PORTAL_ORGANISATION_NAME, **context}
    html = render_to_string(template_name, ctx)
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf()
