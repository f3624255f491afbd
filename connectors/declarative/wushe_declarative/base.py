"""What the declarative connectors share: the per-stream record description and the read loop."""

from __future__ import annotations

import re
from abc import abstractmethod
from typing import Any, ClassVar, Generic, Iterator, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from wushe.connector import Batch, Stream
from wushe.contract import Kind
from wushe.errors import ConnectorError
from wushe.toolkit.connector import SourceChecked
from wushe.toolkit.dates import DEFAULT_TIMEZONE, check_format, zone
from wushe.toolkit.mapping import Mapper, Rule, check_mapping
from wushe.toolkit.reading import RecordMaker

STREAM_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class StreamSpec(BaseModel):
    """One stream: which record kind it yields and how partner columns become contract fields."""

    model_config = ConfigDict(extra="forbid")

    kind: Kind = Field(description="Record kind: organization, resource, need, volunteer or donation")
    id: str = Field(description="Column holding the record's id at the partner (unique per kind)")
    updated_at: str | None = Field(
        None, description="Column holding when the partner last changed the row; the incremental cursor. Without it every read is a full export"
    )
    updated_at_format: str | None = Field(None, description="strftime pattern of updated_at (default ISO 8601), or epoch / epoch_ms")
    timezone: str = Field(DEFAULT_TIMEZONE, description="Time zone of times written without one")
    mapping: dict[str, Rule] = Field(description="Contract field (dotted for nested) → column or rule")
    description: str = ""

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        zone(value)
        return value

    @field_validator("updated_at_format")
    @classmethod
    def _format(cls, value: str | None) -> str | None:
        return check_format(value)

    @field_validator("mapping")
    @classmethod
    def _mapping(cls, value: dict[str, Rule], info: ValidationInfo) -> dict[str, Rule]:
        if "kind" in info.data:  # else the kind itself is wrong, and said so
            check_mapping(info.data["kind"], value)
        return value


SpecT = TypeVar("SpecT", bound=StreamSpec)


class DeclarativeConfig(BaseModel, Generic[SpecT]):
    model_config = ConfigDict(extra="forbid")
    transport: ClassVar[frozenset[str]] = frozenset({"batch_size"})

    batch_size: int = Field(5000, ge=1, le=200_000, description="Records per batch")
    streams: dict[str, SpecT] = Field(min_length=1, description="Stream name → what it reads and how it maps")

    @field_validator("streams")
    @classmethod
    def _names(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name in value:
            if not STREAM_NAME.match(name):
                raise ValueError(f"stream name {name!r}: use lowercase letters, digits and underscores")
        return value


class DeclarativeConnector(SourceChecked):
    """Streams come from ``config.streams``; subclasses read one stream's rows."""

    def streams(self, config: Any) -> list[Stream]:
        return [
            Stream(name, spec.kind, primary_key=spec.id, cursor_field=spec.updated_at,
                   full_export=spec.updated_at is None, description=spec.description)
            for name, spec in config.streams.items()
        ]

    def maker(self, spec: StreamSpec) -> RecordMaker:
        """The record builder of a stream, with the partner's crosswalks from the plugins."""
        from wushe.plugins import crosswalks

        tz = zone(spec.timezone)
        needs_crosswalk = any(not isinstance(r, str) and r.crosswalk for r in spec.mapping.values())
        mapper = Mapper(spec.kind, spec.mapping, crosswalks=crosswalks(self.partner) if needs_crosswalk else None, tz=tz)
        return RecordMaker(
            self.partner, mapper, id_column=spec.id, updated_at=spec.updated_at,
            updated_at_format=spec.updated_at_format, tz=tz,
        )

    def read(self, config: Any, stream: Stream, state: dict[str, Any] | None) -> Iterator[Batch]:
        spec = config.streams.get(stream.name)
        if spec is None:
            raise ConnectorError(f"no stream {stream.name!r} is configured (configured: {', '.join(config.streams)})", partner=self.partner)
        try:
            yield from self.read_stream(config, stream.name, spec, state)
        except ConnectorError as exc:
            raise exc.bind(partner=self.partner, stream=stream.name) from None

    @abstractmethod
    def read_stream(self, config: Any, name: str, spec: Any, state: dict[str, Any] | None) -> Iterator[Batch]:
        """The batches of one configured stream; ConnectorErrors get partner and stream added."""

