"""Engines for the registry database: SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import os
import threading
from datetime import datetime, timezone
from contextlib import contextmanager
from functools import cache
from typing import Any, Iterator, Sequence

import orjson
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url

from wushe import settings
from wushe.errors import ConfigError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

SUPPORTED = ("sqlite", "postgresql")
AUTOCHECKPOINT_PAGES = 2500  # see _sqlite_pragmas


def json_dumps(value: Any) -> str:
    """The registry's JSON encoding (orjson; dates and datetimes as ISO-8601)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def utc(value: datetime | None) -> datetime | None:
    """A timestamp read back from the registry, made timezone-aware (SQLite returns naive UTC)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


def json_loads(value: Any) -> Any:
    """Decode a JSON cell. SQLite gives a JSON column numeric affinity, so a stored scalar such as
    ``5000`` comes back as a number rather than as JSON text."""
    if isinstance(value, (int, float)):
        return value
    return orjson.loads(value)


def redact(url: str) -> str:
    """A database URL safe to print: the password is hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: show nothing of it
        return "<invalid database URL>"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # a new database gets 16 kB pages (an existing one keeps its own): rows holding a partner's
    # payload fill fewer pages, and a batch's inserts split fewer of them
    cur.execute("PRAGMA page_size=16384")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA cache_size=-65536")
    cur.execute("PRAGMA temp_store=MEMORY")
    # Reads map the database file (up to SQLite's limit, 2 GB) instead of copying each page out of
    # the system's file cache with a read() call: a night's lookups and a resolution pass read
    # hundreds of thousands of pages, and a night 2 spent a quarter of its CPU time in the kernel.
    # Night 2 at a million records: 11.4-12.0 s against 11.8-13.3 s. Writes still go through the WAL.
    cur.execute("PRAGMA mmap_size=2147418112")
    # A writer copies the WAL back into the database (a checkpoint, two fsyncs) once the WAL holds
    # this many pages: every 40 MB (at 16 kB pages) instead of every 4 MB. Bulk writes spent half as
    # long in fsync (95 -> 17 of them for 300,000 source records); durability does not depend on it.
    cur.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
    cur.close()


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """A new engine for ``url`` (default: settings.database_url())."""
    url = settings.database_url(url)
    try:
        parsed = make_url(url)
    except Exception:
        raise ConfigError(f"the database URL is not valid: {redact(url)}") from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED:
        raise ConfigError(f"the registry runs on SQLite or PostgreSQL, not {backend} ({redact(url)})")
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        # No server-side prepared statements: after five runs PostgreSQL may switch a prepared
        # keyed lookup to a generic plan, which made batch lookups fifty times slower. (The bulk
        # updater prepares its own statement, an update by key: see bulk.update_rows.)
        connect_args = kwargs.setdefault("connect_args", {})
        connect_args.setdefault("prepare_threshold", None)
        # Timestamps read back in UTC as datetime.timezone.utc: psycopg gives a server zone such as
        # Etc/UTC as a ZoneInfo, which pandas converts six times slower (a second a million values)
        if "options" not in parsed.query:
            connect_args.setdefault("options", "-c TimeZone=UTC")
    if backend == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": 30})
    engine = create_engine(parsed, json_serializer=json_dumps, json_deserializer=json_loads, **kwargs)
    if backend == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        # pysqlite's own transaction handling defers BEGIN; take control so a batch is one transaction
        event.listen(engine, "connect", lambda conn, _r: setattr(conn, "isolation_level", None))
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def shareable(engine: Engine) -> bool:
    """Whether other processes can open this registry (a file or a server, not an in-memory database)."""
    url = engine.url
    return url.get_backend_name() != "sqlite" or url.database not in (None, "", ":memory:")


def engine_url(engine: Engine) -> str:
    """The URL another process of this machine opens the same registry with (secrets included:
    hand it over, never print it)."""
    return engine.url.render_as_string(hide_password=False)


def _sqlite_begin(conn: Any) -> None:
    # a writer takes the lock up front: two deferred transactions that both read, then write,
    # would fail with "database is locked" instead of waiting their turn
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("wushe_writer") else "BEGIN")


_sqlite_writers = threading.Lock()


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back if it raises.

    On SQLite, writers of this process queue on a lock and then take the database's write lock at
    BEGIN (other processes wait on the busy timeout); on PostgreSQL this is a plain transaction.
    """
    with _writer(engine) as conn, conn.begin():
        yield conn


class Steps:
    """A long write job committed in steps (:func:`write_in_steps`): ``conn`` is in a transaction."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._transaction = conn.begin()

    def commit(self) -> None:
        """Commit what is written so far, and go on in a new transaction."""
        self._transaction.commit()
        self._transaction = self.conn.begin()

    def _end(self, *, ok: bool) -> None:
        """Commit the last step, or give it up (the steps committed before stay)."""
        if ok:
            self._transaction.commit()
        else:
            self._transaction.rollback()


@contextmanager
def write_in_steps(engine: Engine) -> Iterator[Steps]:
    """Like :func:`write_transaction`, for a long job that commits as it goes (:meth:`Steps.commit`):
    each step is all or nothing; the last is committed when the block ends, rolled back if it raises.

    On a SQLite file, each step's pages are copied from the WAL into the registry file (a
    checkpoint) in the background while the next step is written, and what is left once the last
    is committed. A single transaction's checkpoint comes all at its commit, on the writer's way:
    1.4 s of a night 2's resolution pass, which took 5.1-5.3 s in one transaction and 4.2-4.3 s in
    steps, checkpoint included."""
    with _writer(engine) as conn, _checkpointed_meanwhile(engine, conn):
        steps = Steps(conn)
        try:
            yield steps
        except BaseException:
            steps._end(ok=False)
            raise
        steps._end(ok=True)


@contextmanager
def _writer(engine: Engine) -> Iterator[Connection]:
    """A connection to write with, no transaction begun yet."""
    if engine.dialect.name != "sqlite":
        with engine.connect() as conn:
            yield conn
        return
    with _sqlite_writers, _writers_of(engine), engine.connect() as conn:
        yield conn.execution_options(wushe_writer=True)


# how often the background checkpoint of :func:`write_in_steps` looks for committed pages to copy
CHECKPOINT_SECONDS = 0.05


@contextmanager
def _checkpointed_meanwhile(engine: Engine, writer: Connection) -> Iterator[None]:
    """While the block runs, the writer's commits leave the WAL alone, and another connection
    copies what they committed into the registry file; then the writer copies what is left. A
    checkpoint copies only pages no reader may still need the older form of: the resolution
    pass's planners, reading since before its first step, hold it back until they finish."""
    if engine.dialect.name != "sqlite" or not shareable(engine):
        yield
        return
    raw = writer.connection.driver_connection  # through SQLAlchemy, a statement would begin a transaction
    raw.execute("PRAGMA wal_autocheckpoint=0")
    done = threading.Event()
    checkpointer = threading.Thread(target=_checkpoint_until, args=(engine, done), name="wushe-checkpoint",
                                    daemon=True)
    checkpointer.start()
    try:
        yield
    finally:
        done.set()
        checkpointer.join()
        raw.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
        raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()  # the steps committed, whatever came after


def _checkpoint_until(engine: Engine, done: threading.Event) -> None:
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        while not done.wait(CHECKPOINT_SECONDS):
            raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()  # never waits on a lock


_lock_files: dict[tuple[int, str], int] = {}  # (process, registry file) -> open lock file


@contextmanager
def _writers_of(engine: Engine) -> Iterator[None]:
    """Writers of other processes (partner workers) queue on a lock file beside the registry: the
    next is woken as the last one's transaction ends. Waiting on SQLite's busy timeout, a writer
    sleeps in growing steps (up to 100 ms), on after the lock is free again: two partner workers
    waited a second in all during a night's 6 s partner phase, and the phase took 0.2-0.8 s
    longer. (Where there is no such lock, the busy timeout remains.)"""
    if fcntl is None or not shareable(engine):
        yield
        return
    database = engine.url.database
    key = (os.getpid(), database)  # a forked process opens its own: a shared open file would share the lock
    if key not in _lock_files:
        _lock_files[key] = os.open(database + "-writer", os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(_lock_files[key], fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(_lock_files[key], fcntl.LOCK_UN)


def refresh_statistics(engine: Engine, changed: int | None = None, tables: Sequence[str] = ()) -> None:
    """Let the query planner see what a large load changed. PostgreSQL's autovacuum analyses a
    table only after a delay, and until then plans the next queries for the table as it was (a
    registry freshly filled with a million records planned as empty made a night's delta 2× slower);
    ``ANALYZE`` samples a bounded number of rows, so it costs seconds even at millions (two of them
    were a quarter of a night-2 resolution pass). With ``changed`` (source records changed), it runs
    only when they are at least a tenth of what the planner believes the registry holds, the share
    at which autovacuum would analyse a table anyway. With ``tables``, only those are analysed: what
    the load wrote. (SQLite plans from its indexes without such statistics: nothing to do there.)"""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        if changed is not None:
            believed = conn.exec_driver_sql("SELECT reltuples FROM pg_class WHERE relname = 'source_record'").scalar()
            if believed is not None and believed > 0 and changed < 0.1 * believed:
                return
        conn.exec_driver_sql("ANALYZE " + ", ".join(tables))
        conn.commit()


@cache
def engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url``."""
    return make_engine(url)
