"""The exporter contract: a format staff can take registry rows away in."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, BinaryIO, ClassVar, Iterable


@dataclass(frozen=True)
class Column:
    """An exported column: its key in each row and its header in each language."""

    key: str
    zh: str
    en: str

    def header(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


class Exporter(ABC):
    """Writes rows (plain dicts) to a binary stream in one format."""

    name: ClassVar[str]
    title: ClassVar[str]
    suffix: ClassVar[str]
    media_type: ClassVar[str]

    @abstractmethod
    def write(self, rows: Iterable[dict[str, Any]], columns: list[Column], out: BinaryIO, *, lang: str = "zh") -> int:
        """Write every row, streaming; returns the number of rows written."""
