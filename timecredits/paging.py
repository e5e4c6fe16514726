"""A member's long lists (their time given, their codes) a page at a time, newest first, with
Older and Newer: one row more than the page is read, so no count is needed."""

from dataclasses import dataclass

# Beyond anyone's history, and an offset SQLite can take.
LAST_PAGE = 100_000


@dataclass(frozen=True)
class Page:
    rows: list
    older: int | None  # the next page's number, where there is one
    newer: int | None  # the previous page's number, where there is one


def page_of(read, *, page: int, size: int) -> Page:
    """Page `page` (from 1) of `size` rows of what `read(limit=, offset=)` gives."""
    page = min(max(page, 1), LAST_PAGE)
    found = list(read(limit=size + 1, offset=(page - 1) * size))
    return Page(
        rows=found[:size],
        older=page + 1 if len(found) > size else None,
        newer=page - 1 if page > 1 else None,
    )
