"""``rest``: a partner's JSON API, described in the partners file.

```yaml
connector: rest
config:
  base_url: https://fund.example.org/api/v1/
  auth: {type: bearer, token: "${FUND_TOKEN}"}
  pagination: {type: page, page_param: page, size_param: page_size, size: 500}
  streams:
    donations:
      kind: donation
      path: donations
      records_path: data
      params: {sort: updated_at}
      since_param: updated_since
      id: id
      updated_at: updated_at
      mapping:
        amount: {column: amount, type: number}
        donated_on: {column: date, type: date}
```
"""

from __future__ import annotations

from typing import Any, Iterator

from pydantic import Field

from wushe.connector import Batch
from wushe.toolkit.dates import zone
from wushe.toolkit.http import ClientCache, HttpSettings
from wushe.toolkit.incremental import CursorTracker
from wushe.toolkit.pagination import PagePagination, Pagination, page_rows, records_at
from wushe.toolkit.prefetch import prefetched
from wushe.toolkit.reading import batches
from wushe.toolkit.redaction import HidesSecrets, redact_params
from wushe_declarative.base import DeclarativeConfig, DeclarativeConnector, StreamSpec


class RestStream(StreamSpec, HidesSecrets):
    shown_as = {"params": redact_params}

    path: str = Field(description="Path of the collection, relative to base_url (or an absolute URL)")
    records_path: str = Field("", description="Dotted path of the record list in each response ('' : the body is the list)")
    params: dict[str, str | int | float | bool] = Field(default_factory=dict, description="Query parameters sent with every request")
    since_param: str | None = Field(
        None, description="Query parameter that asks for rows changed at or after the saved cursor (the API must include the bound)"
    )
    since_format: str | None = Field(None, description="strftime pattern of the since value in the partner's time zone (default ISO 8601)")
    ordered: bool = Field(
        True, description="The API returns rows sorted by updated_at (then id), so a read can resume mid-way; false: resume only from complete reads"
    )
    pagination: Pagination | None = Field(None, description="This stream's paging, when it differs from the connector's")


class RestConfig(HttpSettings, DeclarativeConfig[RestStream]):
    pagination: Pagination = Field(default_factory=PagePagination, description="How the API pages (page, offset, cursor, next_url, link_header, none)")


class RestConnector(DeclarativeConnector):
    """Reads JSON records from a partner's HTTP API."""

    name = "rest"
    title = "REST/JSON API"
    Config = RestConfig

    def __init__(self, partner: str) -> None:
        super().__init__(partner)
        self.client = ClientCache(partner)

    def check_source(self, config: RestConfig) -> str:
        client = self.client(config)
        seen = []
        for name, spec in config.streams.items():
            response = client.get_json(spec.path, spec.params, expected=f"{spec.kind} records")
            records = records_at(client, response, spec.records_path, f"{spec.kind} records")
            seen.append(f"{name}: {len(records)} records on the first page")
        return "; ".join(seen)

    def read_stream(self, config: RestConfig, name: str, spec: RestStream, state: dict[str, Any] | None) -> Iterator[Batch]:
        client = self.client(config)
        maker = self.maker(spec)
        tracker = CursorTracker(state, ordered=spec.ordered) if spec.updated_at else None
        params: dict[str, Any] = dict(spec.params)
        if spec.since_param and tracker is not None and tracker.lower_bound is not None:
            bound = tracker.lower_bound.astimezone(zone(spec.timezone))
            params[spec.since_param] = bound.strftime(spec.since_format) if spec.since_format else bound.isoformat()
        pages = prefetched((spec.pagination or config.pagination).pages(client, spec.path, params, spec.records_path, f"{spec.kind} records"))
        yield from batches(page_rows(client, pages, maker.required_columns), maker, tracker=tracker, batch_size=config.batch_size)
