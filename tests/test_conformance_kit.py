"""The conformance kit fails connectors that break the contract (it is not a kit that cannot fail)."""

from __future__ import annotations

import textwrap

CONFTEST = textwrap.dedent("""
    import pytest
    from tests.connectors.sandboxes import TableSource, org_stream, res_stream
    from wushe.testing import ConnectorCase
    from wushe_declarative import CsvConnector


    class ForgetsTieBreaker(CsvConnector):
        '''Keeps the cursor but not the ids delivered at it: boundary rows come again.'''
        name = "forgets_tie_breaker"

        def read_stream(self, config, name, spec, state):
            for batch in super().read_stream(config, name, spec, state):
                batch.state = {**batch.state, "ids": []} if batch.state else batch.state
                yield batch


    class DropsBadRows(CsvConnector):
        '''Throws malformed rows away instead of handing them over as Unreadable.'''
        name = "drops_bad_rows"

        def read_stream(self, config, name, spec, state):
            for batch in super().read_stream(config, name, spec, state):
                batch.unreadable = []
                yield batch


    @pytest.fixture(params=[ForgetsTieBreaker, DropsBadRows], ids=lambda c: c.name)
    def connector_case(request, tmp_path):
        source = TableSource(tmp_path / "drop", ".csv")
        streams = {"resources": res_stream(pattern="资源清单*.csv")}
        return ConnectorCase(
            connector=request.param, config={"folder": str(source.folder), "streams": streams},
            bad_config={"folder": str(tmp_path / "nowhere"), "streams": streams},
            add_records=source.add_records, add_malformed=source.add_malformed,
        )
""")

SUITE = "from wushe.testing import ConnectorConformance\n\nclass TestKit(ConnectorConformance):\n    pass\n"


def test_the_kit_fails_a_connector_that_repeats_or_drops_rows(pytester):
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_kit=SUITE)
    result = pytester.runpytest("-q", "-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    failed = {line.split("::")[-1].split(" ")[0] for line in result.outlines if line.startswith("FAILED")}
    assert failed == {
        "test_two_incremental_reads_neither_lose_nor_repeat[forgets_tie_breaker]",
        "test_a_malformed_row_does_not_crash_the_read[drops_bad_rows]",
    }, result.stdout.str()[-3000:]
    assert outcomes["failed"] == 2


def test_the_kit_asks_for_a_connector_case_when_none_is_given(pytester):
    pytester.makepyfile(test_kit=SUITE)
    result = pytester.runpytest("-q", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["*the wushe conformance kit needs your connector: define a `connector_case` fixture*"])
