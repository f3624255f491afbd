"""The connector contract: how a plugin brings one partner's data in (design §4).

A connector class is instantiated once per partner in the partners file. It declares a pydantic
``Config`` (its spec), checks that the partner is reachable, declares its streams, and reads a
stream as a sequence of :class:`Batch` objects. Each batch carries the contract records and the
stream state *after* the batch, so the registry can commit a batch's merge and the new cursor in
one transaction. Connectors map fields; they never validate or merge.

A sync may say what the registry already holds of a stream (:class:`KnownRows`, through
:func:`rows_known`); a reader that can tell a row is unchanged before mapping it leaves it unmapped
and lists it in :attr:`Batch.unchanged`. Connectors built on ``wushe.toolkit.reading.batches`` do
this for whole-stream reads without writing anything; any other connector may ignore it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterator, Protocol, Sequence

from pydantic import BaseModel, ValidationError

from wushe.contract import Record
from wushe.errors import ConfigError


@dataclass(frozen=True)
class Stream:
    """One kind of record a connector can read from its partner.

    ``cursor_field`` names the partner field the incremental cursor follows (None: the stream is
    read whole every time). ``full_export`` says a complete read returns everything the partner
    currently has, so a record missing from it has been withdrawn.
    """

    name: str
    kind: str
    primary_key: str = "id"
    cursor_field: str | None = None
    full_export: bool = False
    description: str = ""


@dataclass
class Unreadable:
    """A partner row the connector could not map to a record; it is quarantined, never dropped."""

    reason: str
    raw: Any
    source_id: str | None = None


@dataclass
class Batch:
    """Records read in one go, and the stream state once they are committed."""

    records: list[Record]
    state: dict[str, Any]
    unreadable: list[Unreadable] = field(default_factory=list)
    # rows read but left unmapped because the registry holds them exactly so (KnownRows.unchanged):
    # source id -> the token KnownRows gave for it
    unchanged: dict[str, Any] = field(default_factory=dict)
    # the digest (KnownRows.digest) of the row each record was mapped from, by source id; only
    # filled while a KnownRows is in effect, so the registry can recognise the row next time
    row_digests: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.records) + len(self.unreadable) + len(self.unchanged)


class KnownRows(Protocol):
    """What the registry already holds of the stream being read, told by the digest of each
    partner row.

    A row whose digest matches the one stored for its source id would map to the record already
    stored, so a reader may skip mapping it. The digest covers how rows are mapped (the mapping
    code, the partner's configuration), so a change there makes every row new again.

    Example, in a reader of whole-stream exports::

        known = known_rows()
        if known is not None:
            digests = {row["id"]: known.digest(row) for row in rows}
            same = known.unchanged(list(digests.items()))   # {source_id: token}
            rows = [row for row in rows if row["id"] not in same]
    """

    def digest(self, values: dict[str, Any]) -> str:
        """The digest of one partner row (its values as read)."""

    def unchanged(self, rows: Sequence[tuple[str, str]]) -> dict[str, Any]:
        """Of these ``(source_id, digest)`` pairs, the source ids the registry holds unchanged,
        each with a token for :attr:`Batch.unchanged`."""


def transport_fields(config: Any) -> frozenset[str]:
    """The fields of a connector's configuration that say where and how rows are fetched, not what
    they mean: an address, a credential, a page or batch size, a time limit. Config classes list
    theirs in a ``transport`` class variable (a subclass adds to its bases'); changing one of them
    leaves the rows the registry knows unchanged (see :class:`KnownRows`)."""
    return frozenset().union(*(vars(cls).get("transport", ()) for cls in type(config).__mro__))


_known_rows: ContextVar[KnownRows | None] = ContextVar("wushe_known_rows", default=None)


@contextmanager
def rows_known(known: KnownRows | None) -> Iterator[None]:
    """Make ``known`` what :func:`known_rows` returns to readers running within the block."""
    token = _known_rows.set(known)
    try:
        yield
    finally:
        _known_rows.reset(token)


def known_rows() -> KnownRows | None:
    """What the registry already holds of the stream being read (None: nothing is known; map every row)."""
    return _known_rows.get()


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str


class Connector(ABC):
    """Base class of every connector. Subclasses set ``name`` and ``Config``."""

    name: ClassVar[str]
    title: ClassVar[str] = ""
    Config: ClassVar[type[BaseModel]]
    # How many of a partner's streams may be read at the same time (None: any number). A partner
    # whose limits are shared by its streams (an API's rate limit per key, a database that allows one
    # session) gains nothing from reading two at once: they take turns, and wait out each refusal.
    parallel_streams: ClassVar[int | None] = None

    def __init__(self, partner: str) -> None:
        self.partner = partner

    @classmethod
    def parse_config(cls, raw: dict[str, Any], *, partner: str = "?", source: str = "config") -> BaseModel:
        """Validate raw configuration against ``Config``; the error names partner and field."""
        try:
            return cls.Config.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "(top level)"
            more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
            raise ConfigError(
                f"{source}: partner {partner!r}: connector {cls.name!r}: field config.{where}: {first['msg']}{more}"
            ) from None

    @abstractmethod
    def check(self, config: Any) -> CheckResult:
        """Is the partner reachable with this configuration? Never raises for a partner fault."""

    @abstractmethod
    def streams(self, config: Any) -> list[Stream]:
        """The streams this partner offers."""

    @abstractmethod
    def read(self, config: Any, stream: Stream, state: dict[str, Any] | None) -> Iterator[Batch]:
        """Read ``stream`` from ``state`` on (None: from the beginning), one batch at a time.

        Raises :class:`wushe.errors.ConnectorError` when the partner cannot be read.
        """
