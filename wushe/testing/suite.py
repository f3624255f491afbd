"""The conformance checks. Subclass :class:`ConnectorConformance` in a test module and provide a
``connector_case`` fixture; every check then runs against your connector (design §4)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import orjson
import pytest
from pydantic import BaseModel, ValidationError

from wushe.connector import CheckResult, Stream
from wushe.contract import KINDS, record_model
from wushe.errors import ConfigError
from wushe.testing.case import ConnectorCase, ReadResult, read_all

NEW_ROWS = 3


def _streams(case: ConnectorCase) -> tuple[Any, Any, list[Stream]]:
    connector, config = case.instance(), case.parsed()
    return connector, config, connector.streams(config)


def _no_repeats(result: ReadResult, what: str) -> None:
    twice = sorted(i for i, n in Counter(result.ids).items() if n > 1)
    assert not twice, f"{what}: records delivered more than once in one read: {twice[:10]}"


@pytest.mark.conformance
class ConnectorConformance:
    """Checks every wushe connector must pass. The fixture ``connector_case`` supplies the connector."""

    def test_spec_is_a_pydantic_model_with_a_json_schema(self, connector_case: ConnectorCase) -> None:
        cls = connector_case.connector
        assert isinstance(getattr(cls, "name", None), str) and cls.name, "the connector needs a non-empty class attribute `name`"
        assert isinstance(cls.Config, type) and issubclass(cls.Config, BaseModel), "`Config` must be a pydantic model"
        schema = cls.Config.model_json_schema()
        assert schema.get("type") == "object" and schema.get("properties"), "the config's JSON schema declares no fields"
        orjson.dumps(schema)
        assert isinstance(connector_case.parsed(), cls.Config)

    def test_invalid_config_is_rejected_naming_partner_and_connector(self, connector_case: ConnectorCase) -> None:
        cls = connector_case.connector
        with pytest.raises(ConfigError) as caught:
            cls.parse_config(connector_case.invalid_config, partner=connector_case.partner)
        message = str(caught.value)
        assert connector_case.partner in message and cls.name in message, message

    def test_check_passes_on_good_config(self, connector_case: ConnectorCase) -> None:
        connector, config, _ = _streams(connector_case)
        result = connector.check(config)
        assert isinstance(result, CheckResult)
        assert result.ok, f"check failed on the good config: {result.message}"
        assert result.message.strip(), "check should say what it saw"

    def test_check_fails_clearly_on_bad_config(self, connector_case: ConnectorCase) -> None:
        connector = connector_case.instance()
        config = connector_case.connector.parse_config(connector_case.bad_config, partner=connector_case.partner)
        result = connector.check(config)  # must return, not raise
        assert isinstance(result, CheckResult)
        assert not result.ok, "check passed on the bad config"
        assert connector_case.partner in result.message, f"the message should name the partner: {result.message}"
        assert len(result.message) > len(connector_case.partner) + 10, f"the message should say what is wrong: {result.message}"

    def test_streams_are_declared(self, connector_case: ConnectorCase) -> None:
        _, _, streams = _streams(connector_case)
        assert streams, "the connector declares no streams"
        names = [s.name for s in streams]
        assert len(set(names)) == len(names), f"stream names repeat: {names}"
        for stream in streams:
            assert isinstance(stream, Stream)
            assert stream.kind in KINDS, f"stream {stream.name}: unknown kind {stream.kind!r}"
            assert stream.primary_key, f"stream {stream.name}: no primary key"
            assert stream.cursor_field or stream.full_export, (
                f"stream {stream.name}: neither a cursor field (incremental) nor a full export; one of them is needed"
            )

    def test_full_read_yields_valid_contract_records(self, connector_case: ConnectorCase) -> None:
        connector, config, streams = _streams(connector_case)
        total = 0
        for stream in streams:
            result = read_all(connector, config, stream, None)
            _no_repeats(result, f"stream {stream.name}")
            for batch in result.batches:
                orjson.dumps(batch.state)
            for record in result.records:
                assert record["partner"] == connector_case.partner, record
                assert record["kind"] == stream.kind, record
                try:
                    record_model(stream.kind).model_validate(record)
                except ValidationError as exc:
                    raise AssertionError(f"stream {stream.name}: record {record['source_id']} breaks the contract:\n{exc}") from None
            assert not result.unreadable, f"stream {stream.name}: good data came back unreadable: {result.unreadable[:3]}"
            total += len(result.records)
        assert total, "a full read of the test source yielded no records"

    def test_two_incremental_reads_neither_lose_nor_repeat(self, connector_case: ConnectorCase) -> None:
        connector, config, streams = _streams(connector_case)
        for stream in streams:
            first = read_all(connector, config, stream, None)
            again = read_all(connector, config, stream, first.state)
            _no_repeats(again, f"stream {stream.name}, second read")
            if stream.full_export:
                assert sorted(again.ids) == sorted(first.ids), f"stream {stream.name}: a second full export differs from the first"
            else:
                assert not again.ids, f"stream {stream.name}: a read right after a full read repeated {again.ids[:10]}"
            connector_case.add_records(stream.name, NEW_ROWS)
            third = read_all(connector, config, stream, again.state if again.batches else first.state)
            _no_repeats(third, f"stream {stream.name}, read after new rows")
            new = set(third.ids) - set(first.ids)
            assert len(new) == NEW_ROWS, f"stream {stream.name}: {NEW_ROWS} rows were added, the next read brought {len(new)} new ones"
            if stream.full_export:
                assert set(first.ids) <= set(third.ids), f"stream {stream.name}: the full export lost records"
            else:
                assert set(third.ids) == new, f"stream {stream.name}: the read after new rows repeated {sorted(set(third.ids) - new)[:10]}"
                assert not read_all(connector, config, stream, third.state).ids, f"stream {stream.name}: a fourth read repeated rows"

    def test_resuming_from_any_batch_neither_loses_nor_repeats(self, connector_case: ConnectorCase) -> None:
        connector, config, streams = _streams(connector_case)
        for stream in streams:
            full = read_all(connector, config, stream, None)
            everything, before = set(full.ids), set()
            for batch in full.batches[:-1]:
                before |= {r["source_id"] for r in batch.records}
                resumed = read_all(connector, config, stream, batch.state)
                assert everything <= before | set(resumed.ids), f"stream {stream.name}: resuming from {batch.state} lost records"
                if batch.state:  # an empty state means "from the start": a full re-read is expected
                    repeated = before & set(resumed.ids)
                    assert not repeated, f"stream {stream.name}: resuming from {batch.state} repeated {sorted(repeated)[:10]}"

    def test_a_state_from_the_future_yields_nothing(self, connector_case: ConnectorCase) -> None:
        connector, config, streams = _streams(connector_case)
        for stream in streams:
            if stream.full_export:
                continue  # a full export has no cursor to be ahead of
            full = read_all(connector, config, stream, None)
            assert full.state, f"stream {stream.name}: an incremental stream ended its read without a state"
            later = connector_case.state_after_everything(stream.name, full.state)
            assert not read_all(connector, config, stream, later).ids, f"stream {stream.name}: a state from the future still yielded records"

    def test_a_malformed_row_does_not_crash_the_read(self, connector_case: ConnectorCase) -> None:
        connector, config, streams = _streams(connector_case)
        for stream in streams:
            before = read_all(connector, config, stream, None)
            connector_case.add_malformed(stream.name)
            after = read_all(connector, config, stream, None)
            assert after.unreadable, f"stream {stream.name}: the malformed row vanished instead of coming back as Unreadable"
            for item in after.unreadable:
                assert item.reason.strip(), "an Unreadable row needs a reason"
                orjson.dumps(item.raw)
            assert set(before.ids) <= set(after.ids), f"stream {stream.name}: a malformed row cost good records"
