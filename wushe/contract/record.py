"""The envelope every contract record carries, and the record itself.

In the pipeline a record is a plain dict shaped like :class:`Record` (connectors yield dicts in
batches, the way dlt resources do): building a pydantic object per row would cost more than the
whole validation stage is allowed. The pydantic models below are the contract's definition: they
produce the JSON Schema, document the fields and let the conformance kit check a connector.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Literal, TypedDict

from pydantic import AwareDatetime, BaseModel, ConfigDict

from wushe.contract.fields import field, required
from wushe.contract.kinds import PAYLOADS, Donation, Need, Organization, Resource, Volunteer

Kind = Literal["organization", "resource", "need", "volunteer", "donation"]
KINDS: tuple[str, ...] = tuple(PAYLOADS)


class Envelope(BaseModel):
    """What every record says about itself, whatever its kind."""

    model_config = ConfigDict(extra="forbid")

    partner: str = required("合作单位", "Name of the partner that supplied the record, as in the partners file")
    kind: Kind = required("记录类型", "Record kind")
    source_id: str = required("来源编号", "The record's id in the partner's system; unique per partner and kind")
    source_updated_at: AwareDatetime = required("来源更新时间", "When the partner last changed the record")
    fetched_at: AwareDatetime | None = field("抓取时间", "When wushe read the record from the partner")
    deleted: bool = field("已删除", "True for a tombstone: the partner deleted the record", default=False)


class OrganizationRecord(Envelope):
    payload: Organization = required("内容", "The organisation's fields")


class ResourceRecord(Envelope):
    payload: Resource = required("内容", "The resource's fields")


class NeedRecord(Envelope):
    payload: Need = required("内容", "The need's fields")


class VolunteerRecord(Envelope):
    payload: Volunteer = required("内容", "The volunteer's fields")


class DonationRecord(Envelope):
    payload: Donation = required("内容", "The donation's fields")


RECORD_MODELS: dict[str, type[Envelope]] = {
    "organization": OrganizationRecord,
    "resource": ResourceRecord,
    "need": NeedRecord,
    "volunteer": VolunteerRecord,
    "donation": DonationRecord,
}


class Record(TypedDict, total=False):
    """A contract record as it travels through the pipeline."""

    partner: str
    kind: str
    source_id: str
    source_updated_at: str
    fetched_at: str
    deleted: bool
    payload: dict[str, Any]


def make_record(
    partner: str,
    kind: str,
    source_id: Any,
    source_updated_at: datetime | str,
    payload: dict[str, Any],
    *,
    fetched_at: datetime | str | None = None,
    deleted: bool = False,
) -> Record:
    """Build a contract record dict; datetimes become ISO-8601 strings."""
    return {
        "partner": partner,
        "kind": kind,
        "source_id": str(source_id),
        "source_updated_at": _iso(source_updated_at),
        "fetched_at": _iso(fetched_at or datetime.now(timezone.utc)),
        "deleted": deleted,
        "payload": payload,
    }


def _iso(value: datetime | str) -> str:
    return value.isoformat() if isinstance(value, datetime) else value
