"""Where wushe keeps its state, from the environment.

``WUSHE_HOME`` (default ``./var``) holds the embedded SQLite registry and the local secret key;
``WUSHE_DATABASE_URL`` points the registry elsewhere (PostgreSQL in production);
``WUSHE_SECRET_KEY`` is the key for hashing ID numbers (a generated key file otherwise).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from functools import lru_cache
from pathlib import Path

from wushe.errors import ConfigError

KEY_FILE = "secret.key"  # in WUSHE_HOME, where no WUSHE_SECRET_KEY is set


def home() -> Path:
    """The folder for local state, created on first use."""
    path = Path(_home_setting())
    path.mkdir(parents=True, exist_ok=True)
    return path


def _home_setting() -> str:
    return os.environ.get("WUSHE_HOME", "var")


def database_url(override: str | None = None) -> str:
    """The registry URL: an explicit override, else ``WUSHE_DATABASE_URL``, else SQLite in home()."""
    url = override or os.environ.get("WUSHE_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{home() / 'wushe.db'}"


def secret_key() -> bytes:
    """The key for keyed hashes of identifiers.

    Production sets ``WUSHE_SECRET_KEY``; a single machine gets a random key stored once, readable
    by its owner only. Changing the key changes every stored hash, so it is never rotated silently.
    """
    env = os.environ.get("WUSHE_SECRET_KEY")
    if env:
        if len(env) < 16:
            raise ConfigError("WUSHE_SECRET_KEY must be at least 16 characters long")
        return env.encode()
    return _stored_key(_key_folder())


def key_fingerprint() -> str:
    """A short digest that tells keys apart and reveals nothing of them: the registry keeps the
    fingerprint of the key its identifiers were hashed with (``wushe.sync.runs``)."""
    return hashlib.blake2b(secret_key(), digest_size=8, person=b"wushe-key-check").hexdigest()


def key_source() -> str:
    """Where the key comes from, for messages: the variable's name or the key file's path."""
    if os.environ.get("WUSHE_SECRET_KEY"):
        return "WUSHE_SECRET_KEY"
    return str(Path(_key_folder()) / KEY_FILE)


def _key_folder() -> str:
    return os.path.abspath(_home_setting())


@lru_cache(maxsize=8)
def _stored_key(folder: str) -> bytes:
    """The key stored in ``folder``, created there on first use; read once per process (every ID
    number of a sync is hashed with it).

    A new key is written whole to a file of its own, then linked into place, which fails if another
    process was first: processes starting together all read the one key, never a half-written one."""
    path = Path(folder) / KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        draft = path.with_name(f"{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
            os.link(draft, path)
        except FileExistsError:
            pass  # another process stored its key first: that one is the key
        finally:
            draft.unlink()
    return path.read_text().strip().encode()
