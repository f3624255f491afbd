"""The ``plugin_example`` connector: reads a partner's service list from CSV exports.

Replace the column names and the mapping with your own; keep the shape: a pydantic ``Config``,
``check``, ``streams`` and ``read`` yielding batches with the state after each one. The toolkit
(``wushe.toolkit``) does the reading, mapping and incremental bookkeeping.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from pydantic import BaseModel, ConfigDict, Field

from wushe.connector import Batch, CheckResult, Connector, Stream
from wushe.errors import ConnectorError
from wushe.toolkit.dates import zone
from wushe.toolkit.files import find_files
from wushe.toolkit.incremental import CursorTracker
from wushe.toolkit.mapping import Mapper
from wushe.toolkit.reading import RecordMaker, batches
from wushe.toolkit.tabular import csv_rows

SAMPLE_FOLDER = Path(__file__).parent / "data"

# the partner's columns → contract fields (see `wushe contract --schema resource`)
MAPPING = {
    "name": "服务名称",
    "resource_type": {"column": "服务形式", "lookup": {"上门服务": "SERVICE", "物资": "GOODS", "场地": "VENUE"}, "unknown": "error"},
    "categories": {"column": "服务类别", "split": "[、,，]", "crosswalk": "resource_categories"},
    "provider.name": "提供单位",
    "capacity.total": {"column": "名额", "type": "number"},
    "phone": "咨询电话",
}


class ExampleConfig(BaseModel):
    """Settings in the partners file, under this partner's ``config:``."""

    model_config = ConfigDict(extra="forbid")

    folder: str = Field(str(SAMPLE_FOLDER), description="Folder the partner's CSV exports arrive in")
    pattern: str = Field("services*.csv", description="Glob pattern of the export files")
    batch_size: int = Field(5000, ge=1, description="Records per batch")


class ExampleConnector(Connector):
    """Services of a partner, from its CSV exports (UTF-8 or GB18030)."""

    name = "plugin_example"
    title = "plugin_example services (CSV)"
    Config = ExampleConfig

    def check(self, config: ExampleConfig) -> CheckResult:
        try:
            files = find_files(config.folder, config.pattern)
            next(iter(csv_rows(files[0], self.maker().columns)), None)
        except ConnectorError as exc:
            return CheckResult(False, str(exc.bind(partner=self.partner)))
        return CheckResult(True, f"found {files[0].name}")

    def streams(self, config: ExampleConfig) -> list[Stream]:
        return [Stream("services", "resource", primary_key="编号", cursor_field="更新时间")]

    def maker(self) -> RecordMaker:
        return RecordMaker(
            self.partner, Mapper("resource", MAPPING, tz=zone("Asia/Shanghai")),
            id_column="编号", updated_at="更新时间", updated_at_format="%Y-%m-%d %H:%M:%S",
        )

    def read(self, config: ExampleConfig, stream: Stream, state: dict[str, Any] | None) -> Iterator[Batch]:
        maker = self.maker()
        try:
            files = find_files(config.folder, config.pattern)
            rows = csv_rows(files[0], maker.columns)
            # a file is not sorted by update time: the state advances once the file is read whole
            tracker = CursorTracker(state, ordered=False)
            yield from batches(rows, maker, tracker=tracker, batch_size=config.batch_size)
        except ConnectorError as exc:
            raise exc.bind(partner=self.partner, stream=stream.name) from None
