"""Decoding of input documents and the length-preserving normalisation."""

from __future__ import annotations

import codecs
import random

import pytest

from nianbao.textio import InputError, normalize_for_model, read_document

TEXT = "重庆市潼南区玉溪镇人民政府2020年政府信息公开工作年度报告\r\n一、总体情况\n（一）主动公开 86 条\r\n"
SHORT = "予以公开"  # short Chinese: the case charset detectors get wrong


def _write(tmp_path, data: bytes):
    path = tmp_path / "doc.txt"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030", "utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [TEXT, SHORT + "\n23"])
def test_round_trip_without_bom(tmp_path, encoding, text):
    # Line endings stay as they are: offsets index the text as decoded.
    assert read_document(_write(tmp_path, text.encode(encoding))) == text


@pytest.mark.parametrize("text", ["予以公开", "不予公开", "本年度办理结果", "一、总体情况", "行政复议"])
def test_short_gbk_is_not_misdetected(tmp_path, text):
    assert read_document(_write(tmp_path, text.encode("gbk"))) == text


def test_gb18030_beyond_gbk(tmp_path):
    text = "𠀀年报€"  # characters GBK cannot encode
    assert read_document(_write(tmp_path, text.encode("gb18030"))) == text


@pytest.mark.parametrize(
    "bom, encoding",
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
    ],
)
def test_bom_is_stripped(tmp_path, bom, encoding):
    assert read_document(_write(tmp_path, bom + TEXT.encode(encoding))) == TEXT


def test_traditional_and_fullwidth_text_is_kept_as_is(tmp_path):
    text = "重慶市潼南區（一）１０\r\n"
    assert read_document(_write(tmp_path, text.encode("utf-8"))) == text


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n", "\u3000\u3000\n".encode("utf-8")])
def test_empty_or_whitespace_only(tmp_path, data):
    with pytest.raises(InputError, match="empty") as err:
        read_document(_write(tmp_path, data))
    assert err.value.status == "error"


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(2000),
        b"%PDF-1.7\n" + random.Random(2).randbytes(2000),
        b"PK\x03\x04" + random.Random(3).randbytes(2000),
        random.Random(4).randbytes(2000),  # no magic number, NUL bytes all over
        bytes(range(1, 32)) * 50,  # control characters
        TEXT.encode("utf-8") + b"\x00\x00\x00" + TEXT.encode("utf-8"),  # NULs that are not UTF-16
    ],
)
def test_binary(tmp_path, data):
    with pytest.raises(InputError, match="binary|undecodable") as err:
        read_document(_write(tmp_path, data))
    assert err.value.status == "error"


def test_undecodable(tmp_path):
    # Lead bytes with nothing valid after them: neither UTF-8 nor GB18030; no NULs, no magic number.
    data = TEXT.encode("utf-8") + b"\xff\xfe\xfd" * 40
    with pytest.raises(InputError) as err:
        read_document(_write(tmp_path, data))
    assert err.value.status == "error"
    assert err.value.message


def test_directory(tmp_path):
    with pytest.raises(InputError, match="directory") as err:
        read_document(tmp_path)
    assert err.value.status == "error"


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        read_document(tmp_path / "nope.txt")


def test_unreadable(tmp_path, monkeypatch):
    # Simulated: chmod 0 does not stop root, and tests may run as root.
    path = _write(tmp_path, TEXT.encode("utf-8"))

    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(type(path), "read_bytes", denied)
    with pytest.raises(InputError, match="not readable") as err:
        read_document(path)
    assert err.value.status == "error"


def test_input_error_status():
    err = InputError("no tables", status="not_a_report")
    assert err.status == "not_a_report" and err.message == "no tables" and str(err) == "no tables"


def test_normalize_for_model():
    assert normalize_for_model("重慶市（一）１０") == "重庆市(一)10"
    assert normalize_for_model("第二十條，：ＡＢＣ號\u3000") == "第二十条,:ABC号 "


def test_normalize_for_model_keeps_length():
    # ㈠ (NFKC "(一)") and ﬁ ("fi") would change the length: they stay as they are.
    text = "㈠ﬁ重慶" + TEXT
    out = normalize_for_model(text)
    assert len(out) == len(text)
    assert out.startswith("㈠ﬁ重庆")


def test_normalize_for_model_long_text_is_fast():
    import time

    text = (TEXT + "臺灣開發區（二）２３４５") * 300  # ~20k characters
    start = time.perf_counter()
    out = normalize_for_model(text)
    assert len(out) == len(text)
    assert time.perf_counter() - start < 1.0
