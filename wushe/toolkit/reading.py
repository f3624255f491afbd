"""Partner rows in, batches of contract records out.

:class:`RecordMaker` builds one record from one row (id, updated-at, mapped payload);
:func:`batches` runs rows through it and the :class:`~wushe.toolkit.incremental.CursorTracker`
and cuts the result into :class:`~wushe.connector.Batch` objects, each carrying the state it is
safe to resume from. A row that does not fit becomes an :class:`~wushe.connector.Unreadable` with
its reason and the read goes on.
"""

from __future__ import annotations

from datetime import date, datetime, timezone, tzinfo
from decimal import Decimal
from typing import Any, Callable, Iterable, Iterator, Protocol

from wushe.connector import Batch, KnownRows, Unreadable, known_rows
from wushe.contract import Record, make_record
from wushe.toolkit.dates import parse_datetime
from wushe.toolkit.incremental import CursorTracker
from wushe.toolkit.mapping import Mapper, MappingError, to_text
from wushe.toolkit.paths import get_path


class SourceRow(Protocol):
    values: dict[str, Any]
    location: str
    observed_at: datetime | None


class RecordMaker:
    """Builds contract records of one kind for one partner from rows.

    ``updated_at`` names the column with the partner's change time (None: the source has none, and
    each record gets the ``fallback`` time passed to :meth:`make`, e.g. the export file's time).
    ``deleted`` tells a partner's tombstone (``"deleted": true``, ``del_flag = '1'``) from a live row.
    ``mapper`` is a :class:`~wushe.toolkit.mapping.Mapper` or any object with the same ``kind``,
    ``columns``, ``required_columns`` and ``payload(row)`` (a :class:`CodedMapper`).
    """

    def __init__(
        self,
        partner: str,
        mapper: Mapper,
        *,
        id_column: str,
        updated_at: str | None = None,
        updated_at_format: str | None = None,
        tz: tzinfo | None = None,
        deleted: Callable[[dict[str, Any]], bool] | None = None,
    ) -> None:
        self.partner = partner
        self.deleted = deleted
        self.mapper = mapper
        self.kind = mapper.kind
        self.id_column = id_column
        self.updated_at = updated_at
        self.updated_at_format = updated_at_format
        self.tz = tz

    @property
    def columns(self) -> list[str]:
        """Every column a row must have."""
        return list(dict.fromkeys([self.id_column, *([self.updated_at] if self.updated_at else []), *self.mapper.columns]))

    @property
    def required_columns(self) -> list[str]:
        """Columns no record can do without."""
        return list(dict.fromkeys([self.id_column, *([self.updated_at] if self.updated_at else []), *self.mapper.required_columns]))

    def source_id(self, values: dict[str, Any]) -> str | None:
        raw = _get(values, self.id_column)
        text = to_text(raw).strip() if raw is not None else ""
        return text or None

    def make(self, values: dict[str, Any], *, fetched_at: str, fallback: datetime | None = None) -> tuple[Record, datetime]:
        """The record of ``values`` and its updated-at time; MappingError when it cannot be built."""
        source_id = self.source_id(values)
        if source_id is None:
            raise MappingError(f"{self.id_column} (the record id) is empty")
        if self.updated_at is not None:
            raw = _get(values, self.updated_at)
            if raw is None or raw == "":
                raise MappingError(f"{self.updated_at} (the update time) is empty")
            try:
                updated = parse_datetime(raw, self.updated_at_format, self.tz)
            except ValueError as exc:
                raise MappingError(f"{self.updated_at}: {exc}") from None
        elif fallback is not None:
            updated = fallback
        else:
            raise MappingError("the source gives no update time for this row")
        deleted = bool(self.deleted(values)) if self.deleted else False
        record = make_record(self.partner, self.kind, source_id, updated, self.mapper.payload(values),
                             fetched_at=fetched_at, deleted=deleted)
        return record, updated


class CodedMapper:
    """A mapping written as a function, for partners whose rows need more than field rules (joins,
    nested lists, word tables): ``build(row)`` returns the payload or raises MappingError."""

    def __init__(self, kind: str, build: Callable[[dict[str, Any]], dict[str, Any]], *,
                 columns: Iterable[str] = (), required_columns: Iterable[str] = ()) -> None:
        self.kind = kind
        self.build = build
        self.columns = list(columns)
        self.required_columns = list(required_columns)

    def payload(self, row: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.build(row)
        except MappingError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise MappingError(f"the row does not fit the partner's schema ({type(exc).__name__}: {exc})") from None


def _get(values: dict[str, Any], column: str) -> Any:
    return values[column] if column in values else get_path(values, column)


def jsonable(value: Any) -> Any:
    """``value`` with dates, times and decimals as text, so a quarantined row can be stored as JSON."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (datetime, date, Decimal)):
        return to_text(value) if not isinstance(value, Decimal) else str(value)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


def batches(
    rows: Iterable[SourceRow | Unreadable],
    maker: RecordMaker,
    *,
    tracker: CursorTracker | None,
    batch_size: int,
    cursor_of: Callable[[dict[str, Any], datetime], Any] | None = None,
    fallback: datetime | None = None,
    fetched_at: str | None = None,
) -> Iterator[Batch]:
    """Map ``rows`` and cut them into batches; each batch's state is safe to resume from.

    With a ``tracker`` only new rows pass, keyed by their updated-at time (or ``cursor_of(values,
    updated)`` where the source's cursor is another value, e.g. a database's own timestamp). A
    source without update times dates each record by the row's ``observed_at``, else ``fallback``.

    A whole-stream read (no tracker) during a sync that knows the stream's rows
    (:func:`~wushe.connector.known_rows`) maps only the rows the registry does not hold unchanged:
    on a nightly full export, that is most of them.
    """
    fetched_at = fetched_at or now_iso()
    known = known_rows() if tracker is None else None
    if known is not None:
        yield from _unmapped_unchanged(rows, maker, known, batch_size, fallback, fetched_at)
        return
    records: list[Record] = []
    unreadable: list[Unreadable] = []
    sent_state: dict[str, Any] | None = None if tracker is None else tracker.start.to_state()
    for row in rows:
        if isinstance(row, Unreadable):
            unreadable.append(row)
        else:
            try:
                record, updated = maker.make(row.values, fetched_at=fetched_at, fallback=row.observed_at or fallback)
            except MappingError as exc:
                unreadable.append(_unreadable(maker, row, exc))
            else:
                cursor = cursor_of(row.values, updated) if cursor_of else updated
                if tracker is None or tracker.admit(cursor, record["source_id"]):
                    records.append(record)
        if len(records) + len(unreadable) >= batch_size:
            state = tracker.checkpoint() if tracker else {}
            yield Batch(records, state, unreadable)
            records, unreadable, sent_state = [], [], state
    final = tracker.final() if tracker else {}
    if records or unreadable or final != sent_state:
        yield Batch(records, final, unreadable)


# A whole-stream batch holds up to this many batches' worth of rows read, as long as fewer than a
# batch's worth are to be written: on a nightly full export most rows are unchanged, and each batch
# with any changed row costs a validation run (Great Expectations plans every expectation of the
# suite again, tens of milliseconds whatever the rows) and a write transaction.
UNCHANGED_SPAN = 10


def _unmapped_unchanged(rows: Iterable[SourceRow | Unreadable], maker: RecordMaker, known: KnownRows,
                        batch_size: int, fallback: datetime | None, fetched_at: str) -> Iterator[Batch]:
    """Batches of a whole-stream read in which the rows ``known`` holds unchanged stay unmapped.

    Rows are looked up ``batch_size`` at a time, and the parts joined into a batch until it holds
    ``batch_size`` rows to write or ``UNCHANGED_SPAN`` times as many read. A part that repeats a
    source id the batch holds starts the next batch instead: it was looked up before the batch was
    written, so the two rows for the id go one batch after the other, as they were read."""
    pending: Batch | None = None
    ids: set[str] = set()  # the source ids ``pending`` holds
    for part in _looked_up(rows, maker, known, batch_size, fallback, fetched_at):
        part_ids = {r["source_id"] for r in part.records} | part.unchanged.keys()
        if pending is not None and not ids.isdisjoint(part_ids):
            yield pending
            pending = None
        if pending is None:
            pending, ids = part, part_ids
        else:
            _join(pending, part)
            ids |= part_ids
        if len(pending.records) + len(pending.unreadable) >= batch_size or len(pending) >= UNCHANGED_SPAN * batch_size:
            yield pending
            pending = None
    if pending is not None:
        yield pending


def _looked_up(rows: Iterable[SourceRow | Unreadable], maker: RecordMaker, known: KnownRows, batch_size: int,
               fallback: datetime | None, fetched_at: str) -> Iterator[Batch]:
    """The rows ``batch_size`` at a time, those ``known`` holds unchanged left unmapped (at least
    one part, empty for an empty read)."""
    held: list[SourceRow] = []
    unreadable: list[Unreadable] = []
    sent = False
    for row in rows:
        if isinstance(row, Unreadable):
            unreadable.append(row)
        else:
            held.append(row)
        if len(held) + len(unreadable) >= batch_size:
            yield _mapped_if_changed(held, unreadable, maker, known, fallback, fetched_at)
            held, unreadable, sent = [], [], True
    if held or unreadable or not sent:
        yield _mapped_if_changed(held, unreadable, maker, known, fallback, fetched_at)


def _join(batch: Batch, part: Batch) -> None:
    """Add ``part`` to ``batch`` (both of a whole-stream read: no cursor state to carry)."""
    batch.records.extend(part.records)
    batch.unreadable.extend(part.unreadable)
    batch.unchanged.update(part.unchanged)
    batch.row_digests.update(part.row_digests)


def _mapped_if_changed(held: list[SourceRow], unreadable: list[Unreadable], maker: RecordMaker, known: KnownRows,
                       fallback: datetime | None, fetched_at: str) -> Batch:
    digests = [known.digest(row.values) for row in held]
    ids = [maker.source_id(row.values) for row in held]
    unchanged = known.unchanged([(i, d) for i, d in zip(ids, digests) if i is not None])
    batch = Batch([], {}, unreadable, unchanged)
    for row, source_id, digest in zip(held, ids, digests):
        if source_id in unchanged:
            continue
        try:
            record, _updated = maker.make(row.values, fetched_at=fetched_at, fallback=row.observed_at or fallback)
        except MappingError as exc:
            unreadable.append(_unreadable(maker, row, exc))
        else:
            batch.records.append(record)
            batch.row_digests[record["source_id"]] = digest
    return batch


def _unreadable(maker: RecordMaker, row: SourceRow, exc: MappingError) -> Unreadable:
    return Unreadable(f"{row.location}: {exc}", jsonable(row.values), maker.source_id(row.values))


def expect_rows(batches: Iterable[Batch], fail: Callable[[], Exception]) -> Iterator[Batch]:
    """``batches``, but an error from ``fail()`` when not one row arrives: for a full export (or a
    first read) nothing at all means a broken export, and a green empty read would withdraw everything.
    Empty batches are held back until a row shows up, so nothing is committed before the error."""
    held: list[Batch] = []
    seen = False
    for batch in batches:
        if not seen and not len(batch):
            held.append(batch)
            continue
        seen = True
        yield from held
        held.clear()
        yield batch
    if not seen:
        raise fail()
    yield from held
