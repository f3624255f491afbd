"""``merchants``: the merchants' alliance API, read whole every night.

```yaml
merchants:
  connector: merchants
  config:
    base_url: https://merchants.example.org/open
    page_size: 500
```

``GET {base_url}/{shops|services}?page=…&size=…`` answers ``{"code": 0, "data": {"list": [...]}}``.
The API has no change filter and drops what is deleted, so each read is a full export
(``Stream(full_export=True)``): a shop or service missing from it has been withdrawn. Rate limits
(HTTP 429) wait as long as ``Retry-After`` asks, up to ``max_retry_after_seconds``. The limit is the
API key's, whatever is read, so the two streams are read one after the other (``parallel_streams``):
read at once, each got half the requests and waited out refusals of a second or more.
"""

from __future__ import annotations

from typing import Any, ClassVar, Iterator

from pydantic import Field

from wushe.connector import Batch, Stream
from wushe.toolkit.connector import PartnerConnector
from wushe.toolkit.dates import zone
from wushe.toolkit.http import ClientCache, HttpSettings
from wushe.toolkit.pagination import PagePagination, page_rows, records_at
from wushe.toolkit.paths import get_path
from wushe.toolkit.prefetch import prefetched
from wushe.toolkit.reading import CodedMapper, RecordMaker, batches, expect_rows
from wushe_merchants.mapping import FIELDS, KEYS, KINDS, PAYLOADS

STREAMS = {"shops": "shops, chain branches, bank branches, clinics (商家)", "services": "their free or discounted services (惠民服务)"}
RECORDS_PATH = "data.list"
TIMEZONE = "Asia/Shanghai"


class MerchantsConfig(HttpSettings):
    transport: ClassVar[frozenset[str]] = frozenset({"page_size", "batch_size", "allow_empty"})

    page_size: int = Field(500, ge=1, le=1000, description="Records per request (1–1000)")
    batch_size: int = Field(5000, ge=1, le=200_000, description="Records per batch")
    allow_empty: bool = Field(False, description="Accept a listing with no records (else it is an error: it would withdraw everything)")


class MerchantsConnector(PartnerConnector):
    """The caring merchants' alliance (爱心商家): shops and their services."""

    name = "merchants"
    title = "爱心商家联盟 REST API"
    Config = MerchantsConfig
    parallel_streams = 1

    def __init__(self, partner: str) -> None:
        super().__init__(partner)
        self.client = ClientCache(partner)

    def streams(self, config: Any) -> list[Stream]:
        return [Stream(name, KINDS[name], primary_key=KEYS[name], full_export=True, description=text)
                for name, text in STREAMS.items()]

    def check_source(self, config: MerchantsConfig) -> str:
        client = self.client(config)
        seen = []
        for name in STREAMS:
            response = client.get_json(name, {"page": 1, "size": 1}, expected=f"the merchants' {name}")
            records_at(client, response, RECORDS_PATH, f"the merchants' {name}")
            seen.append(f"{name}: {get_path(response.data, 'data.total')} listed")
        return "; ".join(seen)

    def read_stream(self, config: MerchantsConfig, name: str, state: dict[str, Any] | None) -> Iterator[Batch]:
        client = self.client(config)
        maker = RecordMaker(self.partner, CodedMapper(KINDS[name], PAYLOADS[name]), id_column=KEYS[name],
                            updated_at="updated_at", tz=zone(TIMEZONE))
        paging = PagePagination(page_param="page", size_param="size", size=config.page_size)
        pages = prefetched(paging.pages(client, name, {}, RECORDS_PATH, f"the merchants' {name}"))
        read = batches(page_rows(client, pages, FIELDS[name]), maker, tracker=None, batch_size=config.batch_size)
        if not config.allow_empty:
            read = expect_rows(read, lambda: client.error(
                f"the listing of {name} is empty; expected the merchants' {STREAMS[name]} (a full export: an empty one "
                "would withdraw them all; set allow_empty if that is right)", location=client.url(name), transient=False))
        yield from read
