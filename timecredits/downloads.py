"""A file to send, as pages and the API both serve it: a report's CSV or spreadsheet, a venue's
statement."""

from dataclasses import dataclass

from django.http import HttpResponse

CSV = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class Download:
    content: bytes | str
    content_type: str
    filename: str

    def response(self) -> HttpResponse:
        content = self.content
        if self.content_type == CSV and isinstance(content, str):
            # A byte order mark: Excel reads the file as UTF-8 only with one, and otherwise
            # garbles every character beyond ASCII ("ŵ" as "Åµ") in names and Welsh labels.
            content = "\ufeff" + content
        response = HttpResponse(content, content_type=self.content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response
