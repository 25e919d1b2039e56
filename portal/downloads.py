"""Files people download: every CSV and PDF response is built here.

CSV cells that a spreadsheet would run as a formula (a name typed as `=HYPERLINK(...)`) are
neutralised with a leading apostrophe, in every CSV, stored or streamed. CSVs start with a
UTF-8 byte-order mark, without which Excel reads names like "Zoë" as mojibake.
"""

import csv
import re

from django.http import HttpResponse

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def safe_cell(value):
    """The value, or for text a spreadsheet would run as a formula, that text made inert."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value):
        return "'" + value
    return value


class GuardedWriter:
    """A `csv.writer` whose every cell goes through `safe_cell`."""

    def __init__(self, file):
        self._writer = csv.writer(file)

    def writerow(self, row) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file) -> GuardedWriter:
    """A guarded writer on an open text file (e.g. `io.StringIO` for a stored report)."""
    return GuardedWriter(file)


def csv_download(filename: str) -> tuple[HttpResponse, GuardedWriter]:
    """An attachment response, BOM written, and the guarded writer that fills it."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(BOM)
    return response, GuardedWriter(response)


def pdf_response(pdf: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A PDF, downloaded (or shown in the browser when `inline`)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
