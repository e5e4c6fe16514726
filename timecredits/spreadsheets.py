"""CSV that a spreadsheet opens safely: text a user typed (an offer's title, an organisation's
name) that begins like a formula is written with a leading apostrophe, so that opening the file
never runs it. Numbers, "-1.5" included, are written as they are."""

import csv

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text


class SafeWriter:
    """csv.writer, with every text cell passed through `safe_cell`."""

    def __init__(self, out):
        self._writer = csv.writer(out)

    def writerow(self, row) -> None:
        self._writer.writerow([safe_cell(v) for v in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)
