"""``wushe plugin new``: a ready plugin package rendered from the template a partner would copy.

The template lives in the source tree as ``plugins/template`` (a working package named
``wushe-plugin-example``) and ships inside the wushe wheel as ``wushe/plugin_template``. Rendering
renames the package, the distribution, the entry point and the connector to the new name.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from wushe.errors import WusheError

PLUGIN_NAME = re.compile(r"^[a-z][a-z0-9_]{1,40}$")
TOKEN = "plugin_example"
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".venv", "*.egg-info", ".pytest_cache", "uv.lock", "dist")


def template_root() -> Path:
    """The template: packaged with wushe when installed from a wheel, else in the source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "plugin_template", here.parent / "plugins" / "template"):
        if (candidate / "pyproject.toml").is_file():
            return candidate
    raise WusheError("the plugin template is missing from this wushe installation")


def render(name: str, destination: Path) -> Path:
    """Write the plugin package ``wushe-<name>`` into ``destination``/wushe-<name>; returns its folder."""
    if not PLUGIN_NAME.match(name):
        raise WusheError(f"plugin name {name!r}: use 2-41 lowercase letters, digits and underscores, starting with a letter")
    target = destination / f"wushe-{name.replace('_', '-')}"
    if target.exists():
        raise WusheError(f"{target} already exists; choose another name or folder")
    shutil.copytree(template_root(), target, ignore=SKIP)
    for path in sorted(target.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_file() and path.suffix in (".py", ".toml", ".md"):
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace(TOKEN, name).replace(TOKEN.replace("_", "-"), name.replace("_", "-")), encoding="utf-8")
        if TOKEN in path.name:
            path.rename(path.with_name(path.name.replace(TOKEN, name)))
    return target
