"""``charity_fund``: the fund's REST API, read incrementally.

```yaml
charity_fund:
  connector: charity_fund
  config:
    base_url: https://fund.example.org/api/v1
    token: "${FUND_TOKEN}"
    page_size: 500
```

``GET {base_url}/{stream}?limit=…&cursor=…&updated_since=…`` with a bearer token answers
``{"data": [...], "next_cursor": …}`` sorted by ``(updatedAt, id)``; ``updated_since`` is
inclusive. The state is the toolkit's cursor + tie-breaker on ``updatedAt``, so a read resumes
after any page. Tombstones (``"deleted": true``) arrive as deleted records.
"""

from __future__ import annotations

from typing import Any, ClassVar, Iterator

from pydantic import Field, SecretStr, model_validator

from wushe.connector import Batch, Stream
from wushe.toolkit.auth import BearerAuth
from wushe.toolkit.connector import PartnerConnector
from wushe.toolkit.dates import zone
from wushe.toolkit.http import ClientCache, HttpSettings
from wushe.toolkit.incremental import CursorTracker
from wushe.toolkit.pagination import CursorPagination, page_rows, records_at
from wushe.toolkit.prefetch import prefetched
from wushe.toolkit.reading import CodedMapper, RecordMaker, batches, expect_rows
from wushe_charity_fund.mapping import FIELDS, PAYLOADS

STREAMS = {
    "organizations": "donors, grantees and sponsors (机构名录)",
    "funds": "funds, goods, sponsored projects and pledged services (资金物资与项目)",
    "donations": "money and goods received (捐赠记录)",
    "wishes": "micro-wishes the fund publishes (微心愿)",
}
TIMEZONE = "Asia/Shanghai"


class CharityFundConfig(HttpSettings):
    transport: ClassVar[frozenset[str]] = frozenset({"token", "page_size", "batch_size"})

    token: SecretStr | None = Field(
        None, min_length=4, description="The fund's API token, sent as a bearer token; write it as ${ENV_VAR} (or give auth)"
    )
    page_size: int = Field(500, ge=1, le=1000, description="Records per request (the API's limit, 1–1000)")
    batch_size: int = Field(5000, ge=1, le=200_000, description="Records per batch")

    @model_validator(mode="after")
    def _bearer(self) -> CharityFundConfig:
        if self.auth is None:
            if self.token is None:
                raise ValueError("give the fund's token (or an auth section)")
            self.auth = BearerAuth(token=self.token)
        return self


class CharityFundConnector(PartnerConnector):
    """The community charity fund (园岭社区基金会): organisations, funds, donations and wishes."""

    name = "charity_fund"
    title = "社区基金会 REST API"
    Config = CharityFundConfig

    def __init__(self, partner: str) -> None:
        super().__init__(partner)
        self.client = ClientCache(partner)

    def streams(self, config: Any) -> list[Stream]:
        return [Stream(name, PAYLOADS[name][0], primary_key="id", cursor_field="updatedAt", description=text)
                for name, text in STREAMS.items()]

    def check_source(self, config: CharityFundConfig) -> str:
        client = self.client(config)
        for name in STREAMS:
            response = client.get_json(name, {"limit": 1}, expected=f"the fund's {name}")
            records_at(client, response, "data", f"the fund's {name}")
        return f"the fund's API answers for {', '.join(STREAMS)}"

    def read_stream(self, config: CharityFundConfig, name: str, state: dict[str, Any] | None) -> Iterator[Batch]:
        client = self.client(config)
        kind, build = PAYLOADS[name]
        tz = zone(TIMEZONE)
        maker = RecordMaker(self.partner, CodedMapper(kind, build), id_column="id", updated_at="updatedAt", tz=tz,
                            deleted=lambda row: row.get("deleted") is True)
        tracker = CursorTracker(state, ordered=True)
        params: dict[str, Any] = {}
        if tracker.lower_bound is not None:
            params["updated_since"] = tracker.lower_bound.astimezone(tz).isoformat()
        paging = CursorPagination(cursor_param="cursor", cursor_path="next_cursor", size_param="limit", size=config.page_size)
        pages = prefetched(paging.pages(client, name, params, "data", f"the fund's {name}"))
        read = batches(page_rows(client, pages, FIELDS[name]), maker, tracker=tracker, batch_size=config.batch_size)
        if tracker.lower_bound is None:  # a first read that finds nothing means a broken export
            read = expect_rows(read, lambda: client.error(
                f"the first read of {name} returned no records; expected the fund's {STREAMS[name]}",
                location=client.url(name), transient=False))
        yield from read
