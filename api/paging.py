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


def paged(request, response: HttpResponse, query, read) -> list:
    """The page `query` asks for of what `read(limit=, offset=)` gives. One row more than the
    page is read, to know whether more follow: then `response` names the next page in `Link`."""
    rows = list(read(limit=query.limit + 1, offset=query.offset))
    if len(rows) > query.limit:
        following = request.GET.copy()
        following["offset"] = query.offset + query.limit
        following["limit"] = query.limit
        response["Link"] = f'<{request.path}?{following.urlencode()}>; rel="next"'
    return rows[: query.limit]
