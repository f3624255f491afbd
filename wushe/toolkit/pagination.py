"""Pagination styles of partner APIs, as config models that walk the pages.

In the partners file::

    pagination: {type: page, page_param: page, size_param: page_size, size: 1000}
    pagination: {type: offset, offset_param: offset, limit_param: limit, limit: 1000}
    pagination: {type: cursor, cursor_param: cursor, cursor_path: meta.next_cursor}
    pagination: {type: next_url, next_path: links.next}
    pagination: {type: link_header}          # RFC 8288 Link: <…>; rel="next"
    pagination: {type: none}

A server that ignores the paging parameters (the same page again, a cursor or next link already
seen) is an error rather than an endless loop; a next link to another host is refused, so
credentials never follow it there.
"""

from __future__ import annotations

from typing import Annotated, Any, Iterable, Iterator, Literal, Union
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field

from wushe.connector import Unreadable
from wushe.toolkit.http import HttpClient, JsonResponse
from wushe.toolkit.paths import get_path, has_path, split_path
from wushe.toolkit.redaction import redact_url
from wushe.toolkit.tabular import Row

Page = tuple[list[Any], JsonResponse]


class _Pagination(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def pages(self, client: HttpClient, path: str, params: dict[str, Any], records_path: str, expected: str) -> Iterator[Page]:
        raise NotImplementedError


def records_at(client: HttpClient, response: JsonResponse, records_path: str, expected: str) -> list[Any]:
    """The list of records in a response; anything else is a clear error."""
    found = get_path(response.data, records_path) if records_path else response.data
    if not isinstance(found, list):
        where = f"at '{records_path}'" if records_path else "as the response body"
        what = "nothing" if found is None else f"a JSON {type(found).__name__}"
        raise client.error(f"expected a list of {expected} {where}, found {what}", location=response.url, transient=False)
    return found


def _signature(records: list[Any]) -> tuple[int, Any, Any]:
    return (len(records), records[0], records[-1]) if records else (0, None, None)


class NoPagination(_Pagination):
    type: Literal["none"] = "none"

    def pages(self, client, path, params, records_path, expected):  # type: ignore[override]
        response = client.get_json(path, params, expected=expected)
        yield records_at(client, response, records_path, expected), response


class _Numbered(_Pagination):
    """Shared walk of page- and offset-numbered APIs: stop at a short or empty page."""

    def _params(self, index: int) -> dict[str, Any]:
        raise NotImplementedError

    def _size(self) -> int:
        raise NotImplementedError

    def pages(self, client, path, params, records_path, expected):  # type: ignore[override]
        index, previous = 0, None
        while True:
            response = client.get_json(path, {**params, **self._params(index)}, expected=expected)
            records = records_at(client, response, records_path, expected)
            signature = _signature(records)
            if records and signature == previous:
                raise client.error(
                    f"the server sent the same page twice; does it honour the {self.type} parameters?",
                    location=response.url, transient=False,
                )
            yield records, response
            if len(records) < self._size():
                return
            previous = signature
            index += 1


class PagePagination(_Numbered):
    type: Literal["page"] = "page"
    page_param: str = Field("page", description="Query parameter of the page number")
    size_param: str | None = Field("page_size", description="Query parameter of the page size (null: not sent)")
    size: int = Field(1000, ge=1, description="Records per page; a shorter page is the last")
    first_page: int = Field(1, ge=0, description="Number of the first page")

    def _params(self, index: int) -> dict[str, Any]:
        params: dict[str, Any] = {self.page_param: self.first_page + index}
        if self.size_param:
            params[self.size_param] = self.size
        return params

    def _size(self) -> int:
        return self.size


class OffsetPagination(_Numbered):
    type: Literal["offset"] = "offset"
    offset_param: str = "offset"
    limit_param: str = "limit"
    limit: int = Field(1000, ge=1, description="Records per request; a shorter answer is the last")

    def _params(self, index: int) -> dict[str, Any]:
        return {self.offset_param: index * self.limit, self.limit_param: self.limit}

    def _size(self) -> int:
        return self.limit


class CursorPagination(_Pagination):
    type: Literal["cursor"] = "cursor"
    cursor_param: str = Field("cursor", description="Query parameter that carries the cursor")
    cursor_path: str = Field("next_cursor", description="Where the next cursor is in the response body")
    size_param: str | None = None
    size: int = Field(1000, ge=1)

    def pages(self, client, path, params, records_path, expected):  # type: ignore[override]
        seen: set[str] = set()
        extra: dict[str, Any] = {self.size_param: self.size} if self.size_param else {}
        cursor = None
        while True:
            query = {**params, **extra, **({self.cursor_param: cursor} if cursor is not None else {})}
            response = client.get_json(path, query, expected=expected)
            yield records_at(client, response, records_path, expected), response
            cursor = get_path(response.data, self.cursor_path)
            if cursor in (None, "", False):
                return
            cursor = str(cursor)
            if cursor in seen:
                raise client.error(f"the server sent cursor {cursor!r} twice; paging would never end", location=response.url, transient=False)
            seen.add(cursor)


class _Linked(_Pagination):
    """Shared walk of APIs that name the next page's URL."""

    def _next(self, response: JsonResponse) -> str | None:
        raise NotImplementedError

    def pages(self, client, path, params, records_path, expected):  # type: ignore[override]
        response = client.get_json(path, params, expected=expected)
        seen = {response.url}
        while True:
            yield records_at(client, response, records_path, expected), response
            following = self._next(response)
            if not following:
                return
            following = urljoin(response.url, following)
            if _origin(following) != _origin(response.url):
                raise client.error(
                    f"the next-page link points to another host ({_origin(following)[1]}); refusing to send credentials there",
                    location=response.url, transient=False,
                )
            if following in seen:
                raise client.error("the server linked to a page already read; paging would never end", location=following, transient=False)
            seen.add(following)
            response = client.get_json(following, expected=expected)


class NextUrlPagination(_Linked):
    type: Literal["next_url"] = "next_url"
    next_path: str = Field("next", description="Where the next page's URL is in the response body")

    def _next(self, response: JsonResponse) -> str | None:
        value = get_path(response.data, self.next_path)
        return value if isinstance(value, str) else None


class LinkHeaderPagination(_Linked):
    type: Literal["link_header"] = "link_header"

    def _next(self, response: JsonResponse) -> str | None:
        return response.links.get("next", {}).get("url")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.rpartition("@")[2]


Pagination = Annotated[
    Union[PagePagination, OffsetPagination, CursorPagination, NextUrlPagination, LinkHeaderPagination, NoPagination],
    Field(discriminator="type"),
]


def page_rows(client: HttpClient, pages: Iterable[Page], required: Iterable[str]) -> Iterator[Row | Unreadable]:
    """The records of each page as rows (located by URL and position); an item that is not a JSON
    object is Unreadable. ``required`` are the fields a record cannot do without (see :func:`check_fields`)."""
    wanted = [(c, split_path(c)) for c in required]
    for records, response in pages:
        url = redact_url(response.url)
        if records:
            check_fields(client, records, wanted, url)
        for index, record in enumerate(records):
            if isinstance(record, dict):
                yield Row(record, f"{url} item {index}")
            else:
                yield Unreadable(f"{url} item {index}: expected a JSON object, got a {type(record).__name__}", record)


def check_fields(client: HttpClient, records: list[Any], required: list[tuple[str, tuple[str, ...]]], url: str) -> None:
    """Schema drift: a field that no record of the page has is an error, not a page of rejected rows
    or of records quietly missing a value (one missing from some records only rejects those)."""
    for column, path in required:
        if not any(isinstance(r, dict) and (column in r or has_path(r, path)) for r in records):
            sample = next((r for r in records if isinstance(r, dict)), {})
            raise client.error(
                f"the records have no field {column!r}, which the mapping needs (fields present: {', '.join(map(str, sample)) or 'none'})",
                location=url, transient=False,
            )
