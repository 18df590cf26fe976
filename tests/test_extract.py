"""`nianbao extract` + `nianbao eval` on the dev set with gold spans, and the batch's bad-input handling."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nianbao.cli import app

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV_SETS = [
    ("seeds", SHARED / "seeds", SHARED / "gold"),
    ("real", SHARED / "real" / "input", SHARED / "real" / "gold"),
]


@pytest.mark.parametrize("name,inputs,gold", DEV_SETS, ids=[d[0] for d in DEV_SETS])
def test_gold_spans_reproduce_the_gold_records(name, inputs, gold, tmp_path):
    if not inputs.exists():
        pytest.skip(f"{inputs} not present (the dev set lives beside the repository)")
    runner = CliRunner()
    out = tmp_path / "records.jsonl"
    r = runner.invoke(app, ["extract", str(inputs), "--spans", str(ROOT / "data" / "spans" / name), "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["eval", "--gold", str(gold), str(out), "--json"])
    assert r.exit_code == 0, r.output
    scores = json.loads(r.stdout)["overall"]
    assert scores["cells"]["value"] == 1.0
    assert scores["exact"]["value"] == 1.0
    assert scores["sections"]["f1"] == 1.0
    assert scores["dates"]["f1"] == 1.0
    assert scores["checks"]["precision"] == 1.0 and scores["checks"]["recall"] == 1.0
    assert scores["agency"]["value"] == 1.0 and scores["year"]["value"] == 1.0


def test_every_input_gets_a_record_and_bad_ones_say_why(tmp_path):
    src = tmp_path / "in"
    spans = tmp_path / "spans"
    src.mkdir()
    spans.mkdir()
    seed = SHARED / "seeds" / "002_989b98ff59a8029b.txt"
    if not seed.exists():
        pytest.skip("dev seeds not present")
    text = seed.read_text(encoding="utf-8")
    # The same report as GB18030 and as UTF-16 (with BOM) decodes to the same text and the same record.
    (src / "gbk.txt").write_bytes(text.encode("gb18030"))
    (src / "utf16.txt").write_bytes(text.encode("utf-16"))
    for name in ("gbk", "utf16"):
        shutil.copy(ROOT / "data" / "spans" / "seeds" / "002_989b98ff59a8029b.json", spans / f"{name}.json")
    (src / "empty.txt").write_bytes(b"")
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (src / "bad.txt").write_bytes(b"\xff\xfe\xfd" * 3 + "正文".encode("utf-8") + b"\x80\x81" * 10)
    (src / "nospans.txt").write_text("一、总体情况\n无。", encoding="utf-8")
    (src / "notes.txt").write_text("会议纪要：周三下午开会。", encoding="utf-8")
    (spans / "notes.json").write_text(json.dumps({"data": {"text": "会议纪要：周三下午开会。", "doc": "notes.txt"},
                                                  "annotations": [{"result": []}]}, ensure_ascii=False))
    out = tmp_path / "out.jsonl"
    r = CliRunner().invoke(app, ["extract", str(src), str(tmp_path / "missing.txt"), "--spans", str(spans),
                                 "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    records = {json.loads(line)["doc"]: json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()}
    assert set(records) == {"gbk.txt", "utf16.txt", "empty.txt", "image.txt", "bad.txt", "nospans.txt",
                            "notes.txt", "missing.txt"}
    good = records["gbk.txt"]
    assert good["status"] == "ok" and good["template"] == "2019"
    assert good["cells"]["active/licensing/change"] == 52 and good["cells"]["active/penalty/change"] == -21
    assert records["utf16.txt"]["cells"] == good["cells"]
    for name in ("empty.txt", "image.txt", "missing.txt", "nospans.txt"):
        assert records[name]["status"] == "error" and records[name]["error"], name
    assert "empty" in records["empty.txt"]["error"].lower()
    assert "span file" in records["nospans.txt"]["error"]
    assert records["notes.txt"]["status"] == "not_a_report"
    assert records["bad.txt"]["status"] in ("error", "ok")  # undecodable bytes: an error, never a crash


def test_extract_and_eval_give_one_line_errors(tmp_path):
    runner = CliRunner()
    r = runner.invoke(app, ["extract", str(tmp_path), "--spans", str(tmp_path / "nope"), "-o", str(tmp_path / "o.jsonl")])
    assert r.exit_code == 1 and "is not a folder" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["eval", "--gold", str(tmp_path / "nogold"), str(tmp_path / "o.jsonl")])
    assert r.exit_code == 1 and "Traceback" not in r.output


@pytest.mark.parametrize("name,inputs,gold", DEV_SETS, ids=[d[0] for d in DEV_SETS])
def test_shipped_model_on_the_dev_set(name, inputs, gold, tmp_path):
    """The shipped tagger, no spans given: seeds exact (cells, sections, dates, failing checks); the real
    dev set at least 99.5 % of cells with exactly the gold failing checks."""
    if not inputs.exists():
        pytest.skip(f"{inputs} not present (the dev set lives beside the repository)")
    runner = CliRunner()
    out = tmp_path / "records.jsonl"
    r = runner.invoke(app, ["extract", str(inputs), "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["eval", "--gold", str(gold), str(out), "--json"])
    assert r.exit_code == 0, r.output
    scores = json.loads(r.stdout)["overall"]
    assert scores["checks"]["precision"] == 1.0 and scores["checks"]["recall"] == 1.0
    if name == "seeds":
        assert scores["cells"]["value"] == 1.0
        assert scores["sections"]["f1"] == 1.0 and scores["dates"]["f1"] == 1.0
    else:
        assert scores["cells"]["value"] >= 0.995


def test_windows_line_breaks_read_like_unix_ones_with_offsets_in_the_file(tmp_path):
    """A CRLF copy of a PDF-text report gives the same cells as the original, and its offsets index the
    text as decoded (with its \\r characters)."""
    source = SHARED / "real" / "input" / "001.txt"
    if not source.exists():
        pytest.skip(f"{source} not present (the dev set lives beside the repository)")
    text = source.read_text(encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "lf.txt").write_text(text, encoding="utf-8")
    (tmp_path / "in" / "crlf.txt").write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    out = tmp_path / "records.jsonl"
    r = CliRunner().invoke(app, ["extract", str(tmp_path / "in"), "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    records = {rec["doc"]: rec for rec in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    lf, crlf = records["lf.txt"], records["crlf.txt"]
    assert crlf["cells"] == lf["cells"] and [d["value"] for d in crlf["dates"]] == [d["value"] for d in lf["dates"]]
    raw = text.replace("\n", "\r\n")
    for d in crlf["dates"]:
        assert raw[d["start"]:d["end"]].replace("\r", "") == d["text"]
    assert [s["n"] for s in crlf["sections"]] == [s["n"] for s in lf["sections"]]
    for s in crlf["sections"]:
        assert raw[s["start"]:].replace("\r", "").startswith((s["heading"] or "")[:4])


def test_worker_processes_write_the_records_one_process_writes(tmp_path):
    """`extract -j 2`: two tagger processes give the same records, in input order, as one; a broken file
    among them still gets its record."""
    seeds = sorted((SHARED / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("dev seeds not present")
    src = tmp_path / "in"
    src.mkdir()
    for i, seed in enumerate(seeds[:3]):
        shutil.copy(seed, src / f"{i}.txt")
    (src / "1b_binary.txt").write_bytes(b"\x00\x01\x02" * 10)
    outputs = {}
    for workers in ("1", "2"):
        out = tmp_path / f"j{workers}.jsonl"
        r = CliRunner().invoke(app, ["extract", str(src), "-o", str(out), "-q", "-j", workers])
        assert r.exit_code == 0, r.output
        outputs[workers] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [rec["doc"] for rec in outputs["2"]] == ["0.txt", "1.txt", "1b_binary.txt", "2.txt"]
    assert outputs["2"] == outputs["1"]
    assert outputs["2"][2]["status"] == "error" and outputs["2"][0]["status"] == "ok"
    r = CliRunner().invoke(app, ["extract", str(src), "-o", str(tmp_path / "x.jsonl"), "-j", "0"])
    assert r.exit_code == 1 and "--workers" in r.output
