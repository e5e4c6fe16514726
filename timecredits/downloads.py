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
        response = HttpResponse(self.content, content_type=self.content_type)
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response
