"""CSV cells that a spreadsheet would run as formulas are written as text."""

import csv
import io

import pytest

from timecredits.spreadsheets import SafeWriter


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 cafe", "'+44 cafe"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Swim", "Swim"),
        ("-1.5", "-1.5"),
        ("", ""),
    ],
)
def test_text_that_starts_like_a_formula_is_written_as_text(typed, written):
    out = io.StringIO()
    SafeWriter(out).writerow([typed, -30, 2.5])

    assert next(csv.reader(io.StringIO(out.getvalue()))) == [written, "-30", "2.5"]
