"""Run bookkeeping and reports: counts commit with batches, a run's status follows its streams."""

import http.server
import json
import logging
import threading

import pytest

from wushe import hookimpl
from wushe.plugins import create_plugin_manager
from wushe.registry.db import make_engine, write_transaction
from wushe.registry.migrate import upgrade
from wushe.sync import runs
from wushe.sync.notify import notify_finished


@pytest.fixture
def engine(sqlite_url):
    eng = make_engine(sqlite_url)
    upgrade(eng)
    return eng


def finished_run(engine, failures=()):
    run_id = runs.start_run(engine, "cli")
    for partner in ("fund", "shops"):
        sid = runs.start_stream(engine, run_id, partner, "main")
        with write_transaction(engine) as conn:
            runs.add_counts(conn, sid, fetched=10, valid=9, quarantined=1, new=9)
        failed = partner in failures
        runs.finish_stream(engine, sid, "failed" if failed else "succeeded",
                           error="partner shops, stream main, at http://127.0.0.1:1/: connection refused" if failed else None)
    return runs.finish_run(engine, run_id)


def test_status_follows_streams(engine) -> None:
    assert finished_run(engine).status == "succeeded"
    partial = finished_run(engine, failures=("shops",))
    assert partial.status == "partial" and partial.failed and partial.failed_partners == ["shops"]
    assert finished_run(engine, failures=("fund", "shops")).status == "failed"


def test_counts_roll_back_with_their_batch(engine) -> None:
    run_id = runs.start_run(engine, "cli")
    sid = runs.start_stream(engine, run_id, "fund", "needs")
    with pytest.raises(RuntimeError):
        with write_transaction(engine) as conn:
            runs.add_counts(conn, sid, fetched=5)
            runs.save_state(conn, "fund", "needs", {"cursor": "after-crash"}, run_id)
            raise RuntimeError("crash inside the batch")
    runs.finish_stream(engine, sid, "failed")
    report = runs.finish_run(engine, run_id)
    assert report.streams[0].fetched == 0
    assert runs.load_state(engine, "fund", "needs") is None


def test_report_markdown_and_totals(engine) -> None:
    report = finished_run(engine, failures=("shops",))
    assert report.totals()["fetched"] == 20
    md = report.to_markdown()
    assert "| fund | main | succeeded | 10 | 9 | 1 | 9 |" in md
    assert "failed partners: shops" in md


def test_a_broken_notifier_does_not_stop_the_others(engine, caplog) -> None:
    seen = []

    class Broken:
        @hookimpl
        def wushe_sync_finished(self, report):
            raise ValueError("boom")

    class Recorder:
        @hookimpl
        def wushe_sync_finished(self, report):
            seen.append(report.run_id)

    pm = create_plugin_manager(allow=set())
    pm.register(Broken(), name="broken")
    pm.register(Recorder(), name="recorder")
    report = finished_run(engine)
    with caplog.at_level(logging.ERROR):
        notify_finished(report, pm)
    assert seen == [report.run_id]
    assert "notifier broken failed: ValueError: boom" in caplog.text


def test_log_notifier_reports_failures(engine, caplog) -> None:
    pm = create_plugin_manager(allow={"log_notifier"})
    with caplog.at_level(logging.INFO, logger="wushe.sync"):
        notify_finished(finished_run(engine, failures=("shops",)), pm)
    record = caplog.records[-1]
    assert record.levelno == logging.ERROR and "failed partners: shops" in record.getMessage()


class _Hook(http.server.BaseHTTPRequestHandler):
    bodies: list = []

    def do_POST(self):  # noqa: N802 (the stdlib's name)
        length = int(self.headers["Content-Length"])
        type(self).bodies.append(json.loads(self.rfile.read(length)))
        self.send_response(200 if "good" in self.path else 500)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook_server():
    _Hook.bodies = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("fmt", ["json", "wecom", "dingtalk"])
def test_webhook_posts_the_report(engine, webhook_server, monkeypatch, fmt) -> None:
    monkeypatch.setenv("WUSHE_WEBHOOK_URL", f"{webhook_server}/good?key=bot-secret-key")
    monkeypatch.setenv("WUSHE_WEBHOOK_FORMAT", fmt)
    notify_finished(finished_run(engine, failures=("shops",)), create_plugin_manager(allow={"webhook_notifier"}))
    [body] = _Hook.bodies
    text = json.dumps(body, ensure_ascii=False)
    assert "shops" in text
    if fmt != "json":
        assert body["msgtype"] == "markdown"


def test_webhook_stays_quiet_on_success_by_default(engine, webhook_server, monkeypatch) -> None:
    monkeypatch.setenv("WUSHE_WEBHOOK_URL", f"{webhook_server}/good")
    notify_finished(finished_run(engine), create_plugin_manager(allow={"webhook_notifier"}))
    assert _Hook.bodies == []


def test_webhook_failure_never_logs_the_key(engine, webhook_server, monkeypatch, caplog) -> None:
    monkeypatch.setenv("WUSHE_WEBHOOK_URL", f"{webhook_server}/bad?key=bot-secret-key")
    with caplog.at_level(logging.DEBUG):
        notify_finished(finished_run(engine, failures=("shops",)), create_plugin_manager(allow={"webhook_notifier"}))
    assert "HTTP 500" in caplog.text
    assert "bot-secret-key" not in caplog.text
