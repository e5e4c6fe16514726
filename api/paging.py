"""A page of a list the API answers as a plain array: `?limit=` and `?offset=`, and where more
follow, a `Link` header naming the next page (RFC 8288), as GitHub's API does, so the answer's
shape stays what clients already read."""

from django.http import HttpResponse
from ninja import Schema
from pydantic import Field

# Far past any real list, and an offset SQLite can take.
LAST_OFFSET = 1_000_000


def page_query(*, limit: int, most: int) -> type[Schema]:
    """The query of a paged list: `limit` rows by default, at most `most`."""
    default = limit

    class PageQuery(Schema):
        limit: int = Field(default=default, ge=1, le=most)
        offset: int = Field(default=0, ge=0, le=LAST_OFFSET)

    return PageQuery


def page_of(request, response: HttpResponse, rows: list, query) -> list:
    """The page of `rows`, which hold one row more than `query.limit` when more follow (the use
    case reads that many): then `response` carries the next page's address in `Link`."""
    if len(rows) > query.limit:
        following = request.GET.copy()
        following["offset"] = query.offset + query.limit
        following["limit"] = query.limit
        response["Link"] = f'<{request.path}?{following.urlencode()}>; rel="next"'
    return rows[: query.limit]
