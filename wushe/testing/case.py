"""What a connector's author hands the conformance kit, and the reading helpers the kit uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Callable

from pydantic import BaseModel

from wushe.connector import Batch, Connector, Stream, Unreadable
from wushe.contract import Record
from wushe.toolkit.incremental import Watermark


@dataclass
class ConnectorCase:
    """A connector plus a test source the kit may change.

    - ``config``: a working configuration, written as in the partners file;
    - ``bad_config``: a configuration the spec accepts but whose source cannot be reached or read
      (a missing folder, a closed port, a wrong password): ``check`` must fail with a clear message;
    - ``add_records(stream, count)``: put ``count`` new rows into the source for ``stream``,
      changed later than every row already there;
    - ``add_malformed(stream)``: put one row into the source that cannot be mapped (an empty id, a
      date that is not a date);
    - ``invalid_config``: a configuration the spec must reject (default: an empty one);
    - ``future_state(stream, state)``: a state later than anything the source holds (default:
      the toolkit's cursor state moved ten years on).
    """

    connector: type[Connector]
    config: dict[str, Any]
    bad_config: dict[str, Any]
    add_records: Callable[[str, int], None]
    add_malformed: Callable[[str], None]
    partner: str = "conformance_partner"
    invalid_config: dict[str, Any] = field(default_factory=dict)
    future_state: Callable[[str, dict[str, Any]], dict[str, Any]] | None = None

    def instance(self) -> Connector:
        return self.connector(self.partner)

    def parsed(self) -> BaseModel:
        return self.connector.parse_config(self.config, partner=self.partner)

    def state_after_everything(self, stream: str, state: dict[str, Any]) -> dict[str, Any]:
        return (self.future_state or future_state)(stream, state)


@dataclass
class ReadResult:
    """Everything one read of one stream produced."""

    batches: list[Batch]

    @property
    def records(self) -> list[Record]:
        return [r for b in self.batches for r in b.records]

    @property
    def unreadable(self) -> list[Unreadable]:
        return [u for b in self.batches for u in b.unreadable]

    @property
    def ids(self) -> list[str]:
        return [r["source_id"] for r in self.records]

    @property
    def state(self) -> dict[str, Any] | None:
        return self.batches[-1].state if self.batches else None


def read_all(connector: Connector, config: Any, stream: Stream, state: dict[str, Any] | None) -> ReadResult:
    """Read ``stream`` to the end from ``state``; the result keeps each batch."""
    return ReadResult(list(connector.read(config, stream, state)))


def future_state(stream: str, state: dict[str, Any]) -> dict[str, Any]:
    """The toolkit's cursor state moved ten years past its cursor (see wushe.toolkit.incremental)."""
    mark = Watermark.from_state(state)
    cursor = mark.cursor
    if isinstance(cursor, (datetime, date)):
        later: Any = cursor + timedelta(days=3650)
    elif isinstance(cursor, (int, float)):
        later = cursor + 10**12
    elif isinstance(cursor, str):
        later = "9" * max(len(cursor), 19)
    else:
        raise AssertionError(
            f"stream {stream!r}: the kit cannot make a future state from {state!r}; give ConnectorCase a future_state function"
        )
    return Watermark(later).to_state()
