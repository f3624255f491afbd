"""The connector contract: how a plugin brings one partner's data in (design §4).

A connector class is instantiated once per partner in the partners file. It declares a pydantic
``Config`` (its spec), checks that the partner is reachable, declares its streams, and reads a
stream as a sequence of :class:`Batch` objects. Each batch carries the contract records and the
stream state *after* the batch, so the registry can commit a batch's merge and the new cursor in
one transaction. Connectors map fields; they never validate or merge.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Iterator

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

    def __len__(self) -> int:
        return len(self.records) + len(self.unreadable)


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str


class Connector(ABC):
    """Base class of every connector. Subclasses set ``name`` and ``Config``."""

    name: ClassVar[str]
    title: ClassVar[str] = ""
    Config: ClassVar[type[BaseModel]]

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
