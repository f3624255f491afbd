"""wushe: a shared resource registry for 五社联动 (five-society linkage).

The core library is plain Python: the record contract, the plugin system, the registry store,
validation, resolution and querying. Heavy dependencies (pandas, great_expectations, prefect) are
imported only by the code paths that need them, so ``import wushe`` and the CLI start quickly.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("wushe")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

from wushe.hookspecs import hookimpl  # noqa: E402  (the decorator plugins import)

__all__ = ["__version__", "hookimpl"]
