"""A base for coded connectors: errors name the partner (and the stream) without every method
saying so, and ``check`` reports a partner fault instead of raising it."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, Iterator

from wushe.connector import Batch, CheckResult, Connector, Stream
from wushe.errors import ConnectorError


class SourceChecked(Connector):
    """``check`` runs :meth:`check_source` and turns its ConnectorError into a failed result."""

    def check(self, config: Any) -> CheckResult:
        try:
            message = self.check_source(config)
        except ConnectorError as exc:
            return CheckResult(False, str(exc.bind(partner=self.partner)))
        return CheckResult(True, message)

    @abstractmethod
    def check_source(self, config: Any) -> str:
        """Reach the partner and look at each stream; returns what was seen, raises ConnectorError."""


class PartnerConnector(SourceChecked):
    """Subclasses write :meth:`check_source` and :meth:`read_stream`; ConnectorErrors raised there
    get the partner and stream filled in."""

    def read(self, config: Any, stream: Stream, state: dict[str, Any] | None) -> Iterator[Batch]:
        names = [s.name for s in self.streams(config)]
        try:
            if stream.name not in names:
                raise ConnectorError(f"no stream {stream.name!r}; expected one of {', '.join(names)}")
            yield from self.read_stream(config, stream.name, state)
        except ConnectorError as exc:
            raise exc.bind(partner=self.partner, stream=stream.name) from None

    @abstractmethod
    def read_stream(self, config: Any, name: str, state: dict[str, Any] | None) -> Iterator[Batch]:
        """The batches of the stream ``name`` (one of :meth:`streams`) from ``state`` on."""
