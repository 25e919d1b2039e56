"""Ask before an action that cannot be undone, on a page of its own (no JavaScript needed)."""

from django.http import HttpResponse
from django.shortcuts import render


def confirm_first(
    request,
    *,
    title: str,
    warning: str,
    button: str,
    cancel_url: str,
    consequences: tuple[str, ...] | list[str] = (),
    hidden: dict | None = None,
) -> HttpResponse | None:
    """None once the person has said yes on the page; until then, the page that asks.

    The page posts back to the same URL with `confirmed=yes` and the `hidden` fields, so the
    button that led here can stay a plain form."""
    if request.method == "POST" and request.POST.get("confirmed") == "yes":
        return None
    return render(
        request,
        "confirm.html",
        {
            "confirm": {
                "title": title,
                "warning": warning,
                "button": button,
                "cancel_url": cancel_url,
                "consequences": consequences,
                "hidden": list((hidden or {}).items()),
                "action": request.path,
            }
        },
    )
