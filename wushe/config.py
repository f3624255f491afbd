"""The partners file: which partners wushe syncs, through which connector, with what settings.

```yaml
settings:
  concurrency: 4
partners:
  charity_fund:
    connector: charity_fund
    title: 园岭社区基金会
    config:
      base_url: http://127.0.0.1:8701
      token: ${CHARITY_FUND_TOKEN}
```

Secrets are written as ``${ENV_VAR}`` (or ``${ENV_VAR:-default}``) and filled from the environment
when the file is read; their values never appear in errors. Every error names the file, the partner
and the field.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from wushe.errors import ConfigError, PluginError

PARTNER_NAME = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class Gates(BaseModel):
    """Batch gates: when a partner's delivery looks wrong, its merge stops and the last good state stays."""

    model_config = ConfigDict(extra="forbid")
    min_volume_ratio: float = Field(0.5, ge=0, le=1, description="A full read below this share of the last good run fails")
    max_invalid_share: float = Field(0.2, ge=0, le=1, description="More invalid rows than this share fails the stream")
    min_rows: int = Field(100, ge=1, description="The invalid-share and schema-drift gates judge from this many rows on")


class PartnerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    connector: str = Field(description="Name of the connector that reads this partner")
    title: str | None = Field(None, description="The partner's name as people say it, e.g. 园岭社区基金会")
    enabled: bool = True
    config: dict[str, Any] = Field(default_factory=dict, description="The connector's own settings")
    streams: list[str] | None = Field(None, description="Streams to sync (default: all the connector offers)")
    timeout_seconds: float = Field(1800, gt=0, description="A sync of this partner is cancelled after this long")
    parallel_streams: int | None = Field(
        None, ge=1, description="How many of the partner's streams partner processes may read at the same time "
                                "(default: the connector's own limit, else any number)",
    )
    retry_delays: list[float] | None = Field(
        None, description="Seconds to wait before each retry after a transient failure (default: settings.retry_delays)"
    )
    gates: Gates | None = None
    roles: list[str] = Field(
        default_factory=list,
        description="What the partner is the authority for when sources disagree: civil_affairs, fund, merchant... "
        "(survivorship rules name roles)",
    )
    distinct_records: bool = Field(
        False, description="Each of the partner's records is a different entity (its own ids never repeat an entity)"
    )


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    concurrency: int = Field(4, ge=1, le=64, description="Partners synced at the same time")
    batch_size: int = Field(
        5000, ge=1, le=200_000,
        description="Records per batch (one transaction each) for every partner whose connector reads in batches "
                    "and that sets no batch_size of its own",
    )
    retry_delays: list[float] = Field(
        [30, 120], description="Seconds to wait before each retry of a partner after a transient failure (down, 5xx)"
    )
    resolution_timeout_seconds: float = Field(
        3600, gt=0, description="The cross-partner resolution pass is cancelled after this long (its marks stay pending)"
    )
    partner_processes: int = Field(
        1, ge=1, le=64,
        description="Processes that sync partners (up to concurrency at a time). Reading, validating and storing a "
                    "large delivery keeps a core busy, and threads of one process share one core: for reads of "
                    "hundreds of thousands of rows, set the number of cores. Each process pays a few seconds to "
                    "start, so 1 (partners as threads of the syncing process) suits small nights",
    )
    resolution_workers: int = Field(
        2, ge=1, le=64,
        description="Processes that plan a resolution pass over whole kinds (a first night, a re-import) while the "
                    "syncing process writes; 1 plans in the syncing process",
    )
    gates: Gates = Field(default_factory=Gates)


class PartnersFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    settings: Settings = Field(default_factory=Settings)
    partners: dict[str, PartnerConfig]


class Partner:
    """A configured partner with its connector and validated connector config."""

    def __init__(self, name: str, spec: PartnerConfig, connector_cls: type | None, config: Any) -> None:
        self.name = name
        self.spec = spec
        self.connector_cls = connector_cls
        self.config = config

    @property
    def title(self) -> str:
        return self.spec.title or self.name

    def connector(self) -> Any:
        if self.connector_cls is None:
            raise ConfigError(f"partner {self.name!r}: its connector was not resolved")
        return self.connector_cls(self.name)

    def gates(self, settings: Settings) -> Gates:
        return self.spec.gates or settings.gates

    def retry_delays(self, settings: Settings) -> list[float]:
        return self.spec.retry_delays if self.spec.retry_delays is not None else settings.retry_delays

    def parallel_streams(self) -> int | None:
        """How many of the partner's streams may be read at once (None: any number)."""
        if self.spec.parallel_streams is not None:
            return self.spec.parallel_streams
        return getattr(self.connector_cls, "parallel_streams", None)


class Partners:
    def __init__(self, path: Path, settings: Settings, partners: dict[str, Partner]) -> None:
        self.path = path
        self.settings = settings
        self.partners = partners

    def __iter__(self):
        return iter(self.partners.values())

    def __len__(self) -> int:
        return len(self.partners)

    def get(self, name: str) -> Partner:
        try:
            return self.partners[name]
        except KeyError:
            raise ConfigError(
                f"{self.path}: no partner named {name!r} (configured: {', '.join(self.partners) or 'none'})"
            ) from None

    def select(self, names: list[str] | None) -> list[Partner]:
        """The named partners, or every enabled one."""
        if names:
            return [self.get(n) for n in names]
        return [p for p in self.partners.values() if p.spec.enabled]


def expand_env(value: Any, path: str, source: str, environ: dict[str, str] | None = None) -> Any:
    """Replace ``${VAR}`` references in every string of ``value``."""
    env = os.environ if environ is None else environ
    if isinstance(value, dict):
        return {k: expand_env(v, f"{path}.{k}" if path else str(k), source, env) for k, v in value.items()}
    if isinstance(value, list):
        return [expand_env(v, f"{path}[{i}]", source, env) for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in env:
            return env[name]
        if default is not None:
            return default
        raise ConfigError(f"{source}: {_describe(path)}: environment variable {name} is not set")

    return _ENV_REF.sub(substitute, value)


def _describe(path: str) -> str:
    parts = path.split(".")
    if len(parts) >= 2 and parts[0] == "partners":
        rest = ".".join(parts[2:]) or "(the partner itself)"
        return f"partner {parts[1]!r}: field {rest}"
    return f"field {path}"


def _with_batch_size(raw: dict[str, Any], connector_cls: Any, settings: Settings) -> dict[str, Any]:
    """The connector's settings with the file's ``settings.batch_size``, unless the partner sets its
    own or the connector reads in units of its own."""
    if "batch_size" in raw or "batch_size" not in getattr(connector_cls.Config, "model_fields", {}):
        return raw
    return {**raw, "batch_size": settings.batch_size}


def load_partners(path: str | Path, *, resolve_connectors: bool = True, pm: Any = None) -> Partners:
    """Read and check a partners file; connector configs are validated against each connector's spec."""
    import yaml

    path = Path(path)
    source = str(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{source}: the partners file does not exist") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{source}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a mapping with a 'partners' section")
    raw = expand_env(raw, "", source)
    try:
        parsed = PartnersFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        more = f" (and {exc.error_count() - 1} more problems)" if exc.error_count() > 1 else ""
        raise ConfigError(f"{source}: {_describe(where)}: {first['msg']}{more}") from None

    partners: dict[str, Partner] = {}
    for name, spec in parsed.partners.items():
        if not PARTNER_NAME.match(name):
            raise ConfigError(
                f"{source}: partner {name!r}: a partner name is 2-64 lowercase letters, digits and underscores"
            )
        connector_cls, config = None, spec.config
        if resolve_connectors:
            from wushe.plugins import connector_class

            try:
                connector_cls = connector_class(spec.connector, pm)
            except PluginError as exc:
                raise ConfigError(f"{source}: partner {name!r}: field connector: {exc}") from None
            config = connector_cls.parse_config(_with_batch_size(spec.config, connector_cls, parsed.settings),
                                                partner=name, source=source)
        partners[name] = Partner(name, spec, connector_cls, config)
    return Partners(path, parsed.settings, partners)
