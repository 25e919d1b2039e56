"""Reports rendered two ways from one selector result: PDF (WeasyPrint) and CSV.

Both use the display strings made here, so the numbers in the PDF and the CSV are the same
text. Charts are SVG drawn here, with the same numbers in a table next to them.
"""

import io
from datetime import date
from decimal import Decimal
from html import escape

from django.utils.safestring import mark_safe

from portal.downloads import csv_writer
from portal.links import absolute_reverse
from portal.money import format_money
from portal.pdf import render_pdf
from portal.suppression import SUPPRESSED

TOO_SMALL = (
    "Fewer than {threshold} people took part in this period, too few to report on without "
    "risking that someone could be recognised. Choose a longer period or more projects."
)


def fmt_count(value) -> str:
    return SUPPRESSED if value is None else str(value)


def fmt_pct(value) -> str:
    return "" if value is None else f"{value}%"


def fmt_ratio(value) -> str:
    return "" if value is None else str(value)


def fmt_date(value) -> str:
    return value.strftime("%-d %B %Y") if value else ""


def period_label(data: dict) -> str:
    if data["start"] and data["end"]:
        return f"{fmt_date(data['start'])} to {fmt_date(data['end'])}"
    if data["start"]:
        return f"from {fmt_date(data['start'])}"
    if data["end"]:
        return f"up to {fmt_date(data['end'])}"
    return "all time"


# --- Charts ----------------------------------------------------------------------------------


def bar_chart(
    title: str, bars: list[tuple[str, Decimal | None, Decimal | None]], *, unit="%", scale=None
) -> str:
    """Horizontal bars: (label, ours, comparison). A hidden value shows as [c] with no bar."""
    row_h, label_w, bar_w = 34, 260, 280
    height = 30 + row_h * len(bars) + 20
    values = [float(v) for _, a, b in bars for v in (a, b) if v is not None]
    top = scale or max([*values, 1.0])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {label_w + bar_w + 70} {height}" '
        f'width="100%" aria-labelledby="chart-title"><title>{escape(title)}</title>',
        '<g font-family="DejaVu Sans, sans-serif" font-size="11" fill="#0b0c0c">',
        f'<rect x="{label_w}" y="6" width="10" height="10" fill="#1d70b8"/>'
        f'<text x="{label_w + 14}" y="15">This report</text>',
    ]
    if any(b is not None for _, _, b in bars):
        parts.append(
            f'<rect x="{label_w + 110}" y="6" width="10" height="10" fill="#b1b4b6"/>'
            f'<text x="{label_w + 124}" y="15">Census 2021</text>'
        )
    for i, (label, ours, other) in enumerate(bars):
        y = 30 + i * row_h
        short = label if len(label) <= 44 else label[:42] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(short)}</text>')
        if ours is None:
            parts.append(f'<text x="{label_w + 4}" y="{y + 11}">{SUPPRESSED}</text>')
        else:
            w = bar_w * float(ours) / top
            parts.append(f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="12" fill="#1d70b8"/>')
            parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 12}">{ours}{unit}</text>')
        if other is not None:
            w = bar_w * float(other) / top
            parts.append(f'<rect x="{label_w}" y="{y + 16}" width="{w:.1f}" height="10" fill="#b1b4b6"/>')
            parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + 25}">{other}{unit}</text>')
    parts.append("</g></svg>")
    return mark_safe("".join(parts))


def line_chart(title: str, months: list[str], series: dict[str, list[Decimal | None]], *, top=10) -> str:
    """Lines over time on a 0–`top` scale, one per series, for the Cube check-ins."""
    width, height, left, bottom = 560, 240, 40, 40
    plot_w, plot_h = width - left - 130, height - bottom - 20
    colours = ["#1d70b8", "#d4351c", "#00703c", "#4c2c92"]
    dashes = ["", "6 3", "2 3", "8 3 2 3"]
    step = plot_w / max(len(months) - 1, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" width="100%">'
        f"<title>{escape(title)}</title>",
        '<g font-family="DejaVu Sans, sans-serif" font-size="11" fill="#0b0c0c">',
    ]
    for tick in range(0, top + 1, 2):
        y = 20 + plot_h - plot_h * tick / top
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dddddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>')
    for i, month in enumerate(months):
        parts.append(
            f'<text x="{left + i * step:.1f}" y="{height - 18}" text-anchor="middle">{escape(month)}</text>'
        )
    for n, (name, values) in enumerate(series.items()):
        points = [
            (left + i * step, 20 + plot_h - plot_h * float(v) / top)
            for i, v in enumerate(values)
            if v is not None
        ]
        colour = colours[n % 4]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5" '
                f'stroke-dasharray="{dashes[n % 4]}"/>'
            )
        for x, y in points:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>')
        ly = 30 + n * 20
        parts.append(
            f'<line x1="{width - 120}" x2="{width - 96}" y1="{ly}" y2="{ly}" stroke="{colour}" '
            f'stroke-width="2.5" stroke-dasharray="{dashes[n % 4]}"/>'
            f'<text x="{width - 90}" y="{ly + 4}">{escape(name)}</text>'
        )
    parts.append("</g></svg>")
    return mark_safe("".join(parts))


# --- Diversity ---------------------------------------------------------------------------------


def diversity_tables(data: dict) -> list[dict]:
    """Each question as display rows, shared by the PDF and the CSV."""
    out = []
    for q in data["questions"]:
        rows = [
            [r["label"], fmt_count(r["count"]), fmt_pct(r["share_of_answered"]), fmt_pct(r["share"])]
            for r in q["rows"]
        ]
        comparisons = [
            [
                c["label"],
                fmt_count(c["count"]),
                fmt_pct(c["share_of_answered"]),
                fmt_pct(c["census"]),
                fmt_ratio(c["ratio"]),
                fmt_pct(c["share"]),
            ]
            for c in q["comparisons"]
        ]
        chart_bars = [(c["label"], c["share_of_answered"], c["census"]) for c in q["comparisons"]] or [
            (r["label"], r["share_of_answered"], None)
            for r in q["rows"]
            if r["share_of_answered"] is not None
        ]
        out.append(
            {
                "label": q["label"],
                "rows": rows,
                "comparisons": comparisons,
                "response_rate": fmt_pct(q["response_rate"]) or SUPPRESSED,
                "responded": fmt_count(q["responded"]),
                "answered": fmt_count(q["answered"]),
                "chart": bar_chart(f"{q['label']}: share of those who answered", chart_bars),
            }
        )
    return out


def differencing_note(data: dict) -> str:
    """Why a report shows older figures or none: the differencing guard in portal/suppression.py."""
    if data.get("withheld"):
        return (
            "No figures: the people counted differ from an earlier report's by fewer than "
            f"{data['threshold']}, so comparing the two would show those people's answers."
        )
    if data.get("held_since"):
        return (
            f"These are the figures first made on {data['held_since']:%-d %B %Y}: fewer than "
            f"{data['threshold']} people have joined or left since, and showing them would "
            "reveal their answers."
        )
    return ""


def diversity_csv(data: dict) -> str:
    buf = io.StringIO()
    w = csv_writer(buf)
    w.writerow(["report", data["title"]])
    w.writerow(["scope", data["scope"]])
    w.writerow(["period", period_label(data)])
    w.writerow(["people who took part", fmt_count(data["people"])])
    if data["too_small"]:
        w.writerow([TOO_SMALL.format(threshold=data["threshold"])])
        return buf.getvalue()
    w.writerow(["numbers from 1 to", data["threshold"] - 1, "are shown as", SUPPRESSED])
    w.writerow(
        ["share of those who answered", "leaves out prefer not to say and no answer, as the Census does"]
    )
    if note := differencing_note(data):
        w.writerow(["note", note])
    w.writerow([])
    w.writerow(
        [
            "question",
            "table",
            "category",
            "people",
            "share of those who answered",
            "census 2021",
            "ratio",
            "share of everyone who took part",
        ]
    )
    for q in diversity_tables(data):
        w.writerow(
            [
                q["label"],
                "response",
                "Answered (including prefer not to say)",
                q["responded"],
                "",
                "",
                "",
                q["response_rate"],
            ]
        )
        for label, count, of_answered, share in q["rows"]:
            w.writerow([q["label"], "answers", label, count, of_answered, "", "", share])
        for label, count, of_answered, census_pct, ratio, share in q["comparisons"]:
            w.writerow([q["label"], "census comparison", label, count, of_answered, census_pct, ratio, share])
    return buf.getvalue()


def diversity_pdf(data: dict) -> bytes:
    return render_pdf(
        "pdf/impact_diversity.html",
        {
            "data": data,
            "tables": diversity_tables(data),
            "period": period_label(data),
            "suppressed": SUPPRESSED,
            "people": fmt_count(data["people"]),
            "differencing_note": differencing_note(data),
            "too_small": TOO_SMALL.format(threshold=data["threshold"]) if data["too_small"] else "",
        },
    )


# --- Impact ------------------------------------------------------------------------------------


def impact_sections(data: dict) -> list[dict]:
    """The report's numbers as (heading, [(measure, value)]) shared by the PDF and the CSV."""
    m = data["methods"]
    sections = [
        {
            "heading": "2. Methods",
            "rows": [
                ("Activities held", str(m["activities"])),
                *[(f"Activities: {k['label']}", str(k["n"])) for k in m["by_kind"]],
                ("People who took part", str(m["people"])),
                ("Times people took part", str(m["participations"])),
                ("Hours of involvement", str(m["hours"])),
                *[(f"People in role: {r['label']}", str(r["n"])) for r in m["roles"]],
            ],
        },
        {
            "heading": "3. Results: impact entries by research stage",
            "rows": [(s["label"], str(s["n"])) for s in data["results"]["by_stage"]],
            "unreviewed": data["results"]["unreviewed"],
        },
        {
            "heading": "4. Influence on the research",
            "rows": [
                *[(f"Outcome: {o['label']}", str(o["n"])) for o in data["influence"]["by_outcome"]],
                *[(f"Significance: {s['label']}", str(s["n"])) for s in data["influence"]["by_significance"]],
                *[(f"UK Standard: {s['label']}", str(s["n"])) for s in data["influence"]["by_standard"]],
            ],
        },
        {
            "heading": "5. Reflections: Cube check-ins (mean, 0 to 10)",
            "rows": [
                *[
                    (f"Cube {c['label']}", "" if c["mean"] is None else str(c["mean"]))
                    for c in data["reflections"]["cube"]
                ],
                (
                    "Cube check-ins",
                    str(data["reflections"]["cube"][0]["n"] if data["reflections"]["cube"] else 0),
                ),
            ],
        },
    ]
    fb = data["feedback"]
    if fb is not None:
        sections.append(
            {
                "heading": "Feedback to contributors",
                "rows": [
                    ("Feedback owed", str(fb.get("owed", ""))),
                    ("Given on time", str(fb.get("given_on_time", ""))),
                    ("Given late", str(fb.get("given_late", ""))),
                    ("Overdue", str(fb.get("overdue", ""))),
                    ("Share given on time", fmt_pct(fb.get("on_time_share"))),
                    (
                        "Median days to feedback",
                        ""
                        if fb.get("median_days_to_feedback") is None
                        else str(fb["median_days_to_feedback"]),
                    ),
                ],
            }
        )
    sp = data["spend"]
    if sp is not None:
        sections.append(
            {
                "heading": "Involvement spend",
                "rows": [
                    ("Budget", format_money(sp.get("budget"))),
                    ("Committed", format_money(sp.get("committed"))),
                    ("Paid", format_money(sp.get("paid"))),
                ],
            }
        )
    return sections


def impact_csv(data: dict) -> str:
    buf = io.StringIO()
    w = csv_writer(buf)
    w.writerow(["report", data["title"]])
    w.writerow(["scope", data["scope"]])
    w.writerow(["period", period_label(data)])
    w.writerow(["impact entries not yet reviewed, left out", data["results"]["unreviewed"]])
    w.writerow(["section", "measure", "value"])
    # Other apps' sections (portal.dashboard.register_report_section) after the report's own.
    for section in [*impact_sections(data), *data.get("extra_sections", [])]:
        for measure, value in section["rows"]:
            w.writerow([section["heading"], measure, value])
    if data["feedback"] is None:
        w.writerow(["Feedback to contributors", "not available yet", ""])
    if data["spend"] is None:
        w.writerow(["Involvement spend", "not available yet", ""])
    w.writerow([])
    w.writerow(
        [
            "entry",
            "project",
            "stage",
            "when",
            "outcome",
            "significance",
            "what changed",
            "why it matters",
            "standards",
        ]
    )
    for e in data["results"]["entries"]:
        w.writerow(
            [
                e.title,
                e.project.title,
                e.get_stage_display(),
                e.occurred_on.isoformat(),
                e.get_outcome_display(),
                e.get_significance_display(),
                e.what_changed,
                e.why_it_matters,
                "; ".join(e.get_standards_display()),
            ]
        )
    return buf.getvalue()


def impact_pdf(data: dict) -> bytes:
    stage_chart = bar_chart(
        "Impact entries by research stage",
        [(s["label"], Decimal(s["n"]), None) for s in data["results"]["by_stage"]],
        unit="",
    )
    cube = data["reflections"]["cube"]
    cube_chart = bar_chart(
        "Cube check-ins: mean answer out of 10",
        [(c["label"], c["mean"], None) for c in cube],
        unit="",
        scale=10,
    )
    return render_pdf(
        "pdf/impact_impact.html",
        {
            "data": data,
            "sections": impact_sections(data),
            "period": period_label(data),
            "stage_chart": stage_chart,
            "cube_chart": cube_chart,
            "has_cube": bool(cube and cube[0]["n"]),
            "extra": {
                slot: [s for s in data.get("extra_sections", []) if s["slot"] == slot]
                for slot in ("methods", "influence", "reflections")
            },
        },
    )


# --- Certificates ------------------------------------------------------------------------------


def _on(value: str):
    return date.fromisoformat(value) if value else None


def certificate_context(cert) -> dict:
    d = cert.details
    activities = [{**a, "on": _on(a["on"])} for a in d.get("activities", [])]
    roles = [{**r, "from": _on(r["from"]), "to": _on(r["to"])} for r in d.get("roles", [])]
    return {
        "cert": cert,
        "d": d,
        "activities": activities,
        "roles": roles,
        "first_on": _on(d.get("first_on", "")),
        "last_on": _on(d.get("last_on", "")),
    }


def _verify_url() -> str:
    return absolute_reverse("impact:verify")


def certificate_pdf(cert) -> bytes:
    """One person's certificate, in large print if they asked for it."""
    from contributors.selectors import wants_large_print

    return certificates_pdf([cert], large_print=wants_large_print(cert.contributor))


def certificates_pdf(certs, *, large_print: bool = False, target=None) -> bytes | None:
    """One PDF, one page per certificate; written to `target` if given (see render_pdf)."""
    return render_pdf(
        "pdf/impact_certificate.html",
        {"certificates": [certificate_context(c) for c in certs], "verify_url": _verify_url()},
        large_print=large_print,
        target=target,
        stylesheet="pdf-certificate.css",
    )
