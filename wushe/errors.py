"""Errors a user can act on.

Anything raised as a :class:`WusheError` is printed by the CLI as one line, without a traceback,
and the command exits non-zero. Messages never contain credentials or personal data.
"""

from __future__ import annotations


class WusheError(Exception):
    """An error caused by input, configuration or the environment rather than a bug."""

    exit_code = 1


class ConfigError(WusheError):
    """A configuration file or setting is invalid."""

    exit_code = 2


class PluginError(WusheError):
    """A plugin could not be loaded or breaks the plugin contract."""


class RegistryError(WusheError):
    """The registry database is unreachable or not in the expected state."""


class ConnectorError(WusheError):
    """A partner's data could not be read.

    The message always says which partner and stream failed, where the data was expected
    (URL, file or table) and what was expected there.
    """

    def __init__(
        self,
        message: str,
        *,
        partner: str | None = None,
        stream: str | None = None,
        location: str | None = None,
        transient: bool = False,
    ) -> None:
        self.partner = partner
        self.stream = stream
        self.location = location
        self.transient = transient
        self.detail = message
        super().__init__(self._compose())

    def _compose(self) -> str:
        where = [f"{k} {v}" for k, v in (("partner", self.partner), ("stream", self.stream)) if v]
        if self.location:
            where.append(f"at {self.location}")
        return f"{', '.join(where)}: {self.detail}" if where else self.detail

    def bind(self, *, partner: str | None = None, stream: str | None = None) -> "ConnectorError":
        """Fill in the partner and stream once the caller knows them; returns self."""
        self.partner = self.partner or partner
        self.stream = self.stream or stream
        self.args = (self._compose(),)
        return self
