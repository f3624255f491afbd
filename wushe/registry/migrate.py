"""Alembic migrations run from code: ``wushe init`` and the tests use these, not alembic.ini."""

from __future__ import annotations

from importlib.resources import files

from sqlalchemy import Engine, inspect

from wushe.errors import RegistryError
from wushe.registry.db import redact


def alembic_config(engine: Engine):  # -> alembic.config.Config
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("wushe.registry").joinpath("migrations")))
    config.attributes["engine"] = engine
    return config


def head_revision(engine: Engine) -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str]:
    """Migrate to ``revision``; returns (revision before, revision after). Idempotent."""
    from alembic import command
    from sqlalchemy.exc import OperationalError

    try:
        before = current_revision(engine)
        command.upgrade(alembic_config(engine), revision)
        return before, current_revision(engine) or ""
    except OperationalError as exc:
        raise RegistryError(f"cannot reach the registry at {redact(str(engine.url))}: {exc.orig}") from None


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def require_current(engine: Engine) -> None:
    """Fail clearly when the registry was never initialised or is behind the code."""
    current = current_revision(engine)
    if current is None:
        raise RegistryError(f"the registry at {redact(str(engine.url))} is not initialised; run `wushe init`")
    if current != head_revision(engine):
        raise RegistryError(
            f"the registry at {redact(str(engine.url))} is at revision {current}, the code expects "
            f"{head_revision(engine)}; run `wushe init` to migrate"
        )


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())
