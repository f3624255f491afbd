"""Drop folders, encodings, CSV dialects, XLSX streaming and header detection."""

from __future__ import annotations

import os
import tracemalloc

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wushe.connector import Unreadable
from wushe.errors import ConnectorError
from wushe.toolkit.files import detect_encoding, find_files
from wushe.toolkit.tabular import Row, csv_rows, xlsx_rows

ROWS = [["名称", "统一社会信用代码", "地址"], ["园岭物业", "91440300MA5F000001", "福田区园岭街道百花二路"], ["碧岭物业，分公司", "91440300MA5F000002", "坪山区碧岭"]]


def write_csv(path, encoding, rows=ROWS, delimiter=",", prefix=b""):
    text = "\n".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in row) for row in rows) + "\n"
    path.write_bytes(prefix + text.encode(encoding))
    return path


def values(rows):
    return [r.values for r in rows if isinstance(r, Row)]


@pytest.mark.parametrize("encoding, expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030")])
def test_encoding_is_detected_and_text_read_correctly(tmp_path, encoding, expected):
    path = write_csv(tmp_path / "台账.csv", encoding)
    assert detect_encoding(path).name == expected
    rows = values(csv_rows(path, ["名称", "地址"]))
    assert rows[0]["名称"] == "园岭物业" and rows[1]["名称"] == "碧岭物业，分公司"


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_broken_byte_is_an_unreadable_line_not_mojibake(tmp_path, encoding):
    good = write_csv(tmp_path / "a.csv", encoding, ROWS * 20).read_bytes().split(b"\n")
    good[5] = good[5][:4] + b"\xff" + good[5][4:]
    path = tmp_path / "b.csv"
    path.write_bytes(b"\n".join(good))
    assert detect_encoding(path).name == encoding
    out = list(csv_rows(path, ["名称"]))
    bad = [r for r in out if isinstance(r, Unreadable)]
    assert len(bad) == 1 and "line 6 is not valid" in bad[0].reason
    names = [v["名称"] for v in values(out)]
    assert all(n in {"园岭物业", "碧岭物业，分公司", "名称"} for n in names)


def test_neither_utf8_nor_gb18030_is_a_clear_error(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(bytes(range(128, 256)) * 50)
    with pytest.raises(ConnectorError, match="neither UTF-8 nor GB18030"):
        detect_encoding(path)


@given(st.lists(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=8), min_size=1, max_size=30))
@settings(max_examples=60, deadline=None)
def test_chinese_text_round_trips_in_both_encodings(tmp_path_factory, words):
    folder = tmp_path_factory.mktemp("enc")
    for encoding in ("utf-8", "gb18030"):
        path = folder / f"{encoding}.csv"
        path.write_bytes(("名称\n" + "\n".join(words) + "\n").encode(encoding))
        assert [v["名称"] for v in values(csv_rows(path, ["名称"]))] == words


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_dialect_is_sniffed(tmp_path, delimiter):
    path = write_csv(tmp_path / "d.csv", "utf-8", delimiter=delimiter)
    assert values(csv_rows(path, ["名称", "地址"]))[1]["名称"] == "碧岭物业，分公司"


def test_header_row_is_found_below_a_title(tmp_path):
    rows = [["园岭街道物业台账（2026年11月）"], [], *ROWS]
    path = write_csv(tmp_path / "t.csv", "utf-8", rows)
    out = list(csv_rows(path, ["名称", "地址"]))
    assert out[0].values["名称"] == "园岭物业" and out[0].location == "t.csv row 4"


def test_missing_columns_name_what_was_expected_and_found(tmp_path):
    path = write_csv(tmp_path / "t.csv", "utf-8")
    with pytest.raises(ConnectorError, match="expected columns 联系电话 in the header row; row 1 has 名称, 统一社会信用代码, 地址"):
        list(csv_rows(path, ["名称", "联系电话"]))


def test_header_names_ignore_whitespace(tmp_path):
    path = write_csv(tmp_path / "t.csv", "utf-8", [[" 名 称\u3000", "地址"], ["甲", "乙"]])
    assert values(csv_rows(path, ["名称"])) == [{"名称": "甲", "地址": "乙"}]


def write_xlsx(path, rows, title=None):
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("台账")
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_xlsx_rows_with_title_row_and_native_types(tmp_path, engine):
    path = write_xlsx(tmp_path / "物业台账.xlsx", [["名称", "电话", "日期"], ["园岭物业", 13800138000, "2026-11-01"]], title="物业台账")
    out = list(xlsx_rows(path, ["名称", "电话"], engine=engine))
    assert out[0].values == {"名称": "园岭物业", "电话": 13800138000, "日期": "2026-11-01"}
    assert out[0].location == "物业台账.xlsx[台账] row 3"


@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_xlsx_missing_sheet_and_corrupt_file_are_clear_errors(tmp_path, engine):
    path = write_xlsx(tmp_path / "a.xlsx", ROWS)
    with pytest.raises(ConnectorError, match="no sheet named '其他'; the workbook has 台账"):
        list(xlsx_rows(path, ["名称"], sheet="其他", engine=engine))
    broken = tmp_path / "b.xlsx"
    broken.write_bytes(path.read_bytes()[:300])
    with pytest.raises(ConnectorError, match="not a readable XLSX workbook"):
        list(xlsx_rows(broken, ["名称"], engine=engine))


@pytest.mark.slow
def test_xlsx_is_read_in_streaming_mode(tmp_path):
    """Rows are not held: Python-side memory grows by well under 200 bytes a row (a whole-sheet
    read holds several kilobytes a row). openpyxl's streaming parser keeps an emptied XML element
    per row, hence not zero; the workbook's shared-string table is read whole by any XLSX reader,
    so the strings here repeat."""
    peaks = []
    for count in (2_000, 20_000):
        path = write_xlsx(tmp_path / f"{count}.xlsx", [["名称", "地址"]] + [[f"机构{i % 50}", i] for i in range(count)])
        tracemalloc.start()
        assert sum(1 for _ in xlsx_rows(path, ["名称"], engine="openpyxl")) == count
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert (peaks[1] - peaks[0]) / 18_000 < 200, peaks


def test_drop_folder_latest_or_all_in_order(tmp_path):
    for name, age in (("物业台账_20261101.xlsx", 300), ("物业台账_20261103.xlsx", 100), ("物业台账_20261102.xlsx", 200), ("~$物业台账_20261103.xlsx", 0)):
        (tmp_path / name).write_bytes(b"x")
        os.utime(tmp_path / name, (1_800_000_000 - age, 1_800_000_000 - age))
    assert [p.name for p in find_files(tmp_path, "物业台账_*.xlsx", "latest")] == ["物业台账_20261103.xlsx"]
    assert [p.name for p in find_files(tmp_path, "物业台账_*.xlsx", "all")] == [
        "物业台账_20261101.xlsx", "物业台账_20261102.xlsx", "物业台账_20261103.xlsx"]


def test_drop_folder_errors_name_the_folder_and_pattern(tmp_path):
    with pytest.raises(ConnectorError, match="drop folder does not exist") as caught:
        find_files(tmp_path / "missing", "*.xlsx")
    assert str(tmp_path / "missing") in str(caught.value)
    with pytest.raises(ConnectorError, match=r"no file matches '\*.xlsx'"):
        find_files(tmp_path, "*.xlsx")


def test_auto_engine_streams_files_above_the_calamine_bound(tmp_path, monkeypatch):
    from wushe.toolkit import tabular

    path = write_xlsx(tmp_path / "a.xlsx", ROWS)
    monkeypatch.setattr(tabular, "CALAMINE_MAX_BYTES", path.stat().st_size - 1)
    monkeypatch.setattr(tabular, "_calamine_sheet", lambda *a: pytest.fail("calamine used above its bound"))
    assert values(xlsx_rows(path, ["名称"]))[0]["名称"] == "园岭物业"
    monkeypatch.setattr(tabular, "CALAMINE_MAX_BYTES", path.stat().st_size)
    with pytest.raises(pytest.fail.Exception):
        list(xlsx_rows(path, ["名称"]))
