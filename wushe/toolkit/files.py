"""Drop folders and text encodings.

Partners without an API leave exports in a folder (``物业台账_20261120.xlsx``, one a night). A
stream names a glob pattern and whether it wants the latest matching file or all of them in
order. Text files are read as UTF-8, UTF-8 with BOM or GB18030 (what Chinese Excel and older
systems write), detected from the bytes; a line that does not decode is reported, never turned
into mojibake.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator, Literal

from wushe.errors import ConnectorError

SAMPLE_BYTES = 1 << 20
CANDIDATES = ("utf-8", "gb18030")
# share of decoding errors among non-ASCII characters still taken as "this encoding, with damage"
DAMAGE_TOLERANCE = 0.02

Selection = Literal["latest", "all"]


def find_files(folder: str | Path, pattern: str, select: Selection = "latest") -> list[Path]:
    """The files of ``folder`` matching ``pattern``: the newest one, or all in name order."""
    root = Path(folder).expanduser()
    if not root.is_dir():
        raise ConnectorError(f"the drop folder does not exist or is not a folder; expected files matching {pattern!r}", location=str(root))
    matches = [p for p in root.glob(pattern) if p.is_file() and not p.name.startswith(("~$", "."))]
    if not matches:
        raise ConnectorError(f"no file matches {pattern!r}; expected the partner's export there", location=str(root))
    if select == "latest":
        return [max(matches, key=lambda p: (p.stat().st_mtime, p.name))]
    return sorted(matches, key=lambda p: (p.name, p.stat().st_mtime))


@dataclass(frozen=True)
class Encoding:
    """An encoding decided for a file, and how sure the decision is."""

    name: str
    damaged: bool = False


def detect_encoding(path: str | Path, sample_bytes: int = SAMPLE_BYTES) -> Encoding:
    """UTF-8 with BOM, UTF-8 or GB18030, judged from the file's first ``sample_bytes``.

    Clean UTF-8 wins; text that is UTF-8 but for a few broken bytes stays UTF-8 (GB18030 would
    decode it without complaint, as mojibake); then GB18030, clean or with a few broken bytes.
    """
    with open(path, "rb") as fh:
        sample = fh.read(sample_bytes)
    if sample.startswith(codecs.BOM_UTF8):
        return Encoding("utf-8-sig")
    for name in CANDIDATES:
        if _decodes(sample, name):
            return Encoding(name)
    for name in CANDIDATES:
        if _damage(sample, name) <= DAMAGE_TOLERANCE:
            return Encoding(name, damaged=True)
    raise ConnectorError("the file is neither UTF-8 nor GB18030 text; save it as UTF-8 (CSV UTF-8 in Excel)", location=str(path))


def _decodes(sample: bytes, name: str) -> bool:
    try:
        codecs.getincrementaldecoder(name)("strict").decode(sample, final=False)
        return True
    except UnicodeDecodeError:
        return False


def _damage(sample: bytes, name: str) -> float:
    """Decoding errors per non-ASCII character when ``sample`` is read as ``name``."""
    text = codecs.getincrementaldecoder(name)("replace").decode(sample, final=False)
    errors = text.count("\ufffd")
    wide = sum(1 for ch in text if ord(ch) > 127) - errors
    return errors / wide if wide else float("inf")


@dataclass(frozen=True)
class BadLine:
    """A line of a text file that is not valid in the file's encoding."""

    number: int
    raw: bytes
    encoding: str

    @property
    def reason(self) -> str:
        return f"line {self.number} is not valid {self.encoding} text"


def decoded_lines(fh: BinaryIO, encoding: str) -> Iterator[str | BadLine]:
    """Each line of ``fh`` decoded (line ends kept), or a :class:`BadLine` where it fails."""
    for number, raw in enumerate(fh, start=1):
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError:
            yield BadLine(number, raw, encoding)
