"""The tagger end to end: a tiny model trained for a few steps on a small synthetic corpus, saved, loaded
back through AutoModel/AutoTokenizer and used by `nianbao extract`; fine-tuning a local checkpoint."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from nianbao.cli import app
from nianbao.infer.tagger import Tagger, allowed_transitions, viterbi
from nianbao.infer.windows import merge_windows, window_starts
from nianbao.spans import BIO_TAGS, bio_to_spans

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tiny_setup(tmp_path_factory):
    from nianbao.train.synth import generate_corpus

    tmp = tmp_path_factory.mktemp("tiny")
    generate_corpus(24, seed=5, test_share=0.1, validation_share=0.1).save_to_disk(str(tmp / "corpus"))
    cfg = yaml.safe_load((ROOT / "train" / "config.yaml").read_text(encoding="utf-8"))
    cfg["model"].update(hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64)
    cfg["windows"].update(length=64, stride=48)
    cfg["training"].update(epochs=2, batch_size=16, patience=5)
    cfg["corpus"]["annotations"] = None
    (tmp / "config.yaml").write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return tmp


def test_tiny_model_trains_saves_loads_and_extracts(tiny_setup, tmp_path):
    runner = CliRunner()
    model_dir = tmp_path / "model"
    r = runner.invoke(app, ["train", "--config", str(tiny_setup / "config.yaml"), "--corpus",
                            str(tiny_setup / "corpus"), "-o", str(model_dir)])
    assert r.exit_code == 0, r.output
    info = json.loads((model_dir / "training.json").read_text())
    assert info["epochs_run"] == 2 and len(info["history"]) == 2
    assert info["history"][1]["loss"] < info["history"][0]["loss"] * 1.5  # it trained, it did not blow up

    from transformers import AutoModelForTokenClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(model_dir))
    enc = tok("一、\n 0\t𠀀", add_special_tokens=False, return_offsets_mapping=True)
    assert enc["offset_mapping"] == [(i, i + 1) for i in range(7)]  # one token per character, whitespace kept
    model = AutoModelForTokenClassification.from_pretrained(str(model_dir))
    assert model.config.id2label[0] == "O" and len(model.config.id2label) == len(BIO_TAGS)

    tagger = Tagger.load(model_dir)
    text = (ROOT.parent / "shared" / "seeds" / "002_989b98ff59a8029b.txt")
    sample = text.read_text(encoding="utf-8") if text.exists() else "一、总体情况\n规章\t0\t0\t0\n" * 50
    spans = tagger.predict(sample)
    assert all(0 <= s.start < s.end <= len(sample) and 0.0 <= s.score <= 1.0 for s in spans)

    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(sample, encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    out = tmp_path / "out.jsonl"
    r = runner.invoke(app, ["extract", str(src), "--model", str(model_dir), "-o", str(out), "-q"])
    assert r.exit_code == 0, r.output
    records = {json.loads(line)["doc"]: json.loads(line) for line in out.read_text().splitlines()}
    assert set(records) == {"a.txt", "empty.txt"}
    assert records["empty.txt"]["status"] == "error"


def test_base_model_fine_tunes_a_local_checkpoint_with_a_subword_tokenizer(tiny_setup, tmp_path):
    """A tiny BERT checkpoint with a WordPiece tokenizer (which drops whitespace) fine-tunes and tags."""
    from transformers import BertConfig, BertForMaskedLM, BertTokenizerFast

    chars = sorted(set("".join(str(i) for i in range(10)) + "一二三四五六总体情况规章年月日公开政府信息申请数量"))
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars) + "\n", encoding="utf-8")
    base = tmp_path / "base"
    tok = BertTokenizerFast(vocab_file=str(vocab))
    BertForMaskedLM(BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                               intermediate_size=64, max_position_embeddings=128)).save_pretrained(str(base))
    tok.save_pretrained(str(base))
    out = tmp_path / "tuned"
    r = CliRunner().invoke(app, ["train", "--config", str(tiny_setup / "config.yaml"), "--corpus",
                                 str(tiny_setup / "corpus"), "--base-model", str(base), "-o", str(out),
                                 "--epochs", "1"])
    assert r.exit_code == 0, r.output
    tagger = Tagger.load(out)
    probs = tagger.char_probs(["一、总体情况\n规章 0 1"])[0]
    assert probs.shape == (len("一、总体情况\n规章 0 1"), len(BIO_TAGS))
    assert np.allclose(probs.sum(1), 1.0, atol=1e-4)
    assert probs[6, 0] == 1.0  # the newline no WordPiece token covers is O


def test_constrained_decoding_never_starts_a_span_inside():
    tags = BIO_TAGS
    k = len(tags)
    i_value = tags.index("I-VALUE")
    probs = np.full((4, k), 0.01)
    probs[:, i_value] = 0.9  # the model insists on I-VALUE everywhere
    path = viterbi(np.log(probs), allowed_transitions(tags), np.array([not t.startswith("I-") for t in tags]))
    decoded = [tags[i] for i in path]
    assert decoded[0] == "B-VALUE" and decoded[1:] == ["I-VALUE"] * 3
    assert bio_to_spans(decoded)[0].end == 4


def test_windows_cover_everything_and_merge_by_centrality():
    starts = window_starts(1000, 256, 192)
    assert starts[0] == 0 and starts[-1] == 1000 - 256
    covered = np.zeros(1000, bool)
    for s in starts:
        covered[s:s + 256] = True
    assert covered.all()
    scores = [np.full((256, 1), float(i)) for i in range(len(starts))]
    merged = merge_windows(1000, starts, 256, scores)
    assert merged[0, 0] == 0 and merged[-1, 0] == len(starts) - 1
    assert merged[300, 0] == 1  # position 300 is central in window 1 (192..448), at the edge of window 0


def _bio_constraints() -> tuple[list[str], np.ndarray, np.ndarray]:
    """The scheme's tags, which may follow which, and which may start a path."""
    tags = list(BIO_TAGS)
    return tags, allowed_transitions(tags), np.array([not t.startswith("I-") for t in tags])


def test_viterbi_skipping_sure_o_stretches_finds_the_same_path():
    from nianbao.infer.tagger import viterbi_between_sure_o

    rng = np.random.default_rng(3)
    tags, allowed, start_ok = _bio_constraints()
    for _ in range(20):
        probs = rng.dirichlet(np.full(len(tags), 0.3), size=300).astype(np.float32)
        sure = rng.random(300) < 0.6  # prose: the model is sure these are O
        probs[sure] = 1e-6
        probs[sure, 0] = 1.0
        assert np.array_equal(viterbi_between_sure_o(probs, 0, allowed, start_ok),
                              viterbi(np.log(probs + 1e-9), allowed, start_ok))
    # Model-like scores: peaked on one tag per character, so most stretches are valid as they stand
    # (taken without Viterbi) and a few break a constraint (decoded by Viterbi).
    for _ in range(20):
        top = rng.integers(0, len(tags), 300)
        probs = rng.uniform(0.005, 0.02, (300, len(tags))).astype(np.float32)  # no ties between paths
        probs[np.arange(300), top] = 0.9
        probs[rng.random(300) < 0.5] = np.eye(len(tags), dtype=np.float32)[0]
        probs /= probs.sum(1, keepdims=True)
        assert np.array_equal(viterbi_between_sure_o(probs, 0, allowed, start_ok),
                              viterbi(np.log(probs + 1e-9), allowed, start_ok))


def test_spans_of_a_path_are_those_bio_decoding_reads():
    from nianbao.infer.tagger import path_spans

    rng = np.random.default_rng(5)
    tags, allowed, start_ok = _bio_constraints()
    for trial in range(300):
        n = int(rng.integers(1, 80))
        path = []
        for i in range(n):  # mostly valid paths (the array route), some with a stray I- (the fallback)
            ok = start_ok if i == 0 else allowed[path[-1]]
            pool = np.flatnonzero(ok) if trial % 5 else np.arange(len(tags))
            path.append(int(rng.choice(pool)))
        path = np.array(path)
        got = [(s.start, s.end, s.label) for s in path_spans(path, tags, allowed, start_ok)]
        assert got == [(s.start, s.end, s.label) for s in bio_to_spans([tags[i] for i in path])]
    b_value, i_value = tags.index("B-VALUE"), tags.index("I-VALUE")
    path = np.array([0, b_value, i_value, b_value, 0, i_value])  # two values, then a stray I-
    assert [(s.start, s.end) for s in path_spans(path, tags, allowed, start_ok)] == [(1, 3), (3, 4), (5, 6)]


def test_inference_precisions_load_and_tag_alike():
    sample = (ROOT.parent / "shared" / "seeds" / "002_989b98ff59a8029b.txt")
    text = sample.read_text(encoding="utf-8") if sample.exists() else "一、总体情况\n规章\t0\t0\t0\n" * 50
    key = lambda spans: {(s.start, s.end, s.label) for s in spans}  # noqa: E731
    ref = key(Tagger.load(None).predict(text))
    for precision in ("bf16", "int8", "auto"):
        got = key(Tagger.load(None, precision=precision).predict(text))
        assert len(got & ref) >= 0.99 * len(ref), precision
    with pytest.raises(ValueError):
        Tagger.load(None, precision="fp8")


def test_the_frozen_bf16_graph_scores_as_the_model_itself():
    sample = (ROOT.parent / "shared" / "seeds" / "002_989b98ff59a8029b.txt")
    text = sample.read_text(encoding="utf-8") if sample.exists() else "一、总体情况\n规章\t0\t0\t0\n" * 50
    tagger = Tagger.load(None, precision="bf16")
    assert tagger.frozen is not None  # traced at load for inference in bf16
    texts = [text, text[:100], text[:700]]  # one batch: full windows, then masked short ones
    frozen = [tagger.char_probs([t])[0] for t in texts] + tagger.char_probs(texts)
    tagger.frozen = None
    eager = [tagger.char_probs([t])[0] for t in texts] + tagger.char_probs(texts)
    for a, b in zip(frozen, eager):
        assert a.shape == b.shape and np.array_equal(a, b)
    assert Tagger.load(None).frozen is None  # fp32, for fine-tuning and scoring, runs the model itself


def test_character_ids_looked_up_directly_score_as_the_tokenizer_does():
    text = "一、总体情况\n规章\t0\t0\t0\n行政許可 𠀀 １２|x\u3000\n" * 30  # traditional, astral, full-width
    fast = Tagger.load(None)
    assert fast.char_ids is not None  # the shipped tokenizer is character-level
    slow = Tagger.load(None)
    slow.char_ids = None
    for a, b in zip(fast.char_probs([text, ""]), slow.char_probs([text, ""])):
        assert a.shape == b.shape and np.allclose(a, b)


def test_repair_completes_numbers_cut_short_but_not_into_the_next_label():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    text = "总计\n692\n5 |\n10000012.没有现成信息"
    cut = [Span(3, 5, "VALUE"), Span(7, 8, "VALUE"), Span(11, 18, "VALUE"), Span(18, 26, "ROW_LABEL")]
    fixed = repair_spans(text, cut)
    assert [text[s.start:s.end] for s in fixed if s.label == "VALUE"] == ["692", "5", "1000001"]
    text = "| 规章 | 1692 |"
    assert [text[s.start:s.end] for s in repair_spans(text, [Span(8, 11, "VALUE")])] == ["1692"]
    text = "| 161<br>7075<br>46322<br>9 |"  # rows merged into one markdown cell: <br> is a cell border
    for a, z in ((17, 21), (18, 22)):  # 4632 and 6322
        fixed = repair_spans(text, [Span(2, 5, "VALUE"), Span(9, 13, "VALUE"), Span(a, z, "VALUE"), Span(26, 27, "VALUE")])
        assert [text[s.start:s.end] for s in fixed] == ["161", "7075", "46322", "9"]


def test_repair_adds_a_number_filling_a_pipe_cell_the_tagger_left_out():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    text = "| 结果维持 | 总计 |\n| 3 | 0 | 3 |\n第 3 页"
    spans = [Span(2, 6, "COL_HEADER", 0.9), Span(9, 11, "COL_HEADER", 0.9),
             Span(20, 21, "VALUE", 0.8), Span(24, 25, "VALUE", 0.6)]
    values = [text[s.start:s.end] for s in repair_spans(text, spans) if s.label == "VALUE"]
    assert values == ["3", "0", "3"]  # the 3 in 第 3 页 stands in no pipe cell


def test_repair_adds_a_number_filling_one_br_part_of_a_pipe_cell():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    text = "| 0<br>304<br>0 | 543<br>184<br>18114<br>196 |\n\n2021年，共收到申请48件。"
    spans = [Span(m.start(), m.end(), "VALUE", 0.9) for m in re.finditer(r"\d+", text[:text.index("196")])]
    values = [text[s.start:s.end] for s in repair_spans(text, spans) if s.label == "VALUE"]
    assert values == ["0", "304", "0", "543", "184", "18114", "196"]  # not the prose's 2021 or 48


def test_training_batches_carry_a_mask_only_when_padded():
    from nianbao.train.trainer import collate, training_autocast

    full = [{"input_ids": [5, 6, 7], "labels": [0, 1, 2]}, {"input_ids": [8, 9, 10], "labels": [0, 0, 0]}]
    batch = collate(full, pad_id=0)
    assert "attention_mask" not in batch and batch["input_ids"].shape == (2, 3)
    ragged = collate(full[:1] + [{"input_ids": [8], "labels": [3]}], pad_id=0)
    assert ragged["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    assert ragged["labels"].tolist()[1] == [3, -100, -100]  # padding is never scored
    with pytest.raises(ValueError, match="training.precision"):
        training_autocast("fp16")


def test_repair_joins_the_spaced_digits_of_one_pipe_cell():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    text = "| 3、其他 | 0 | 2 7 | 46 |\n| 0<br>1 2 | 5 |"
    a, b = text.index("2 7"), text.index("1 2")
    spans = [Span(text.index("0 |"), text.index("0 |") + 1, "VALUE"), Span(a, a + 1, "VALUE"),
             Span(a + 2, a + 3, "VALUE"), Span(b, b + 1, "VALUE"), Span(b + 2, b + 3, "VALUE")]
    values = [text[s.start:s.end] for s in repair_spans(text, spans) if s.label == "VALUE"]
    # ``2 7`` fills its cell: one number; ``1 2`` shares its cell with ``0<br>``: left as cut (46, 5 and the
    # ``0`` before ``<br>`` fill pipe cells or ``<br>`` parts of them on lines of values: added)
    assert values == ["0", "2 7", "46", "0", "1", "2", "5"]


def test_repair_splits_a_value_that_cannot_be_one_spaced_out_number():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    # two rows merged into one markdown row: ``0 0`` is two values (no number starts with 0), ``1 0`` is 10
    text = "| 2.其他<br>3.危及 | 0 0 | 1 0 |"
    a, b = text.index("0 0"), text.index("1 0")
    values = [text[s.start:s.end] for s in repair_spans(text, [Span(a, a + 3, "VALUE"), Span(b, b + 3, "VALUE")])]
    assert values == ["0", "0", "1 0"]
    # nor are two values filling one cell joined when the first is 0
    spans = [Span(a, a + 1, "VALUE"), Span(a + 2, a + 3, "VALUE"), Span(b, b + 1, "VALUE"), Span(b + 2, b + 3, "VALUE")]
    assert [text[s.start:s.end] for s in repair_spans(text, spans)] == ["0", "0", "1 0"]


def test_repair_joins_a_spaced_out_number_alone_on_its_line_in_a_column():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    # PDF text, one cell per line: ``14 2`` between lone numbers is 142; a row printed on one line is not
    text = "1292\n\n1004\n14 2\n0\n规章 3 5\n7\n"
    a, r = text.index("14 2"), text.index("3 5")
    spans = [Span(0, 4, "VALUE"), Span(6, 10, "VALUE"), Span(a, a + 2, "VALUE"), Span(a + 3, a + 4, "VALUE"),
             Span(a + 5, a + 6, "VALUE"), Span(r, r + 1, "VALUE"), Span(r + 2, r + 3, "VALUE"),
             Span(r + 4, r + 5, "VALUE")]
    assert [text[s.start:s.end] for s in repair_spans(text, spans)] == ["1292", "1004", "14 2", "0", "3", "5", "7"]


def test_repair_joins_a_spaced_out_first_cell_right_under_its_row_label():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    # a row's first cell right under its label: the two cells below tell it is a column of lone numbers
    text = "一、本年新收政府信息公开申请数量\n\n2 2\n\n1\n\n0\n\n规章\n3 5\n规范性文件\n"
    a, r = text.index("2 2"), text.index("3 5")
    spans = [Span(0, 16, "ROW_LABEL"), Span(a, a + 1, "VALUE"), Span(a + 2, a + 3, "VALUE"),
             Span(text.index("1\n"), text.index("1\n") + 1, "VALUE"), Span(text.index("0"), text.index("0") + 1, "VALUE"),
             Span(r, r + 1, "VALUE"), Span(r + 2, r + 3, "VALUE")]
    # ``3 5`` has a label below it and no lone numbers under that: two cells of a row printed on one line
    assert [text[s.start:s.end] for s in repair_spans(text, spans) if s.label == "VALUE"] == ["2 2", "1", "0", "3", "5"]


def test_repair_splits_a_markdown_line_of_rows_merged_with_spaces():
    import re

    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    # every value cell holds two spaced groups: two rows merged into one line; a line with one spaced
    # number among single ones is a number whose digits were spaced out
    text = "| 1.甲<br>2.乙 | 846 1188 | 25 11 | 0 0 | 3 1 |\n| 3.丙 | 4 1 | 7 | 0 | 2 |"
    cells = [m for m in re.finditer(r"(?<=\| )\d+(?: \d+)?(?= \|)", text)]
    spans = [Span(m.start(), m.end(), "VALUE") for m in cells]  # the tagger took each cell as one value
    got = [text[s.start:s.end] for s in repair_spans(text, spans)]
    assert got == ["846", "1188", "25", "11", "0", "0", "3", "1", "4 1", "7", "0", "2"]


def test_repair_ends_on_spans_that_start_on_a_line_break():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    # an untrained tagger's spans can start anywhere, even on a \n: the repair still ends and keeps them
    text = "| 0 | 1 |\n\n| 2 |"
    spans = [Span(9, 11, "VALUE"), Span(11, 14, "ROW_LABEL")]
    assert {(9, 11), (11, 14)} <= {(s.start, s.end) for s in repair_spans(text, spans)}


def test_repair_keeps_the_prose_year_out_of_a_glued_run_and_gives_the_run_its_digits():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    # the paragraph after the table starts with a year glued to the last row's run
    text = "四、结转下年度继续办理 00060062019年，我区共收到申请。"
    a = text.index("0006")
    assert [text[s.start:s.end] for s in repair_spans(text, [Span(a, a + 6, "VALUE")])] == ["0006006"]
    # a value cut out of the year itself is no value; one reaching into it stops before it
    text = "总计 63669 2024年，我区"
    y, v = text.index("2024"), text.index("63669")
    assert [text[s.start:s.end] for s in repair_spans(text, [Span(v, v + 5, "VALUE"), Span(y, y + 2, "VALUE")])] \
        == ["63669"]
    text = "总计 0100012024年，我区"
    assert [text[s.start:s.end] for s in repair_spans(text, [Span(3, 11, "VALUE")])] == ["010001"]


def test_repair_gives_a_row_label_back_its_numeral_from_the_run_before_it():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    text = "3.危及“三安全一稳定”24317011002714.保护第三方合法权益2791"
    v, lab = text.index("2431"), text.index(".保护")
    got = repair_spans(text, [Span(v, lab, "VALUE"), Span(lab, lab + 10, "ROW_LABEL")])
    assert [(text[s.start:s.end], s.label) for s in got][:2] == [("2431701100271", "VALUE"), ("4.保护第三方合法权益", "ROW_LABEL")]
    # the run took the numeral and its mark as well (``…2304 3.`` + ``其他``)
    text = "行政机关不再处理其政府信息公开申请 22633103702304 3.其他 18826"
    v, lab = text.index("2263"), text.index("其他")
    got = repair_spans(text, [Span(v, lab, "VALUE"), Span(lab, lab + 2, "ROW_LABEL")])
    assert [(text[s.start:s.end], s.label) for s in got][:2] == [("22633103702304", "VALUE"), ("3.其他", "ROW_LABEL")]
    # a decimal amount is left alone: its mark is followed by digits, not a label
    text = "金额105.65万"
    assert [text[s.start:s.end] for s in repair_spans(text, [Span(2, 9, "VALUE")])] == ["105.65万"]


def test_repair_adds_the_last_cell_before_the_prose_and_joins_a_number_cut_around_a_digit():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    text = "办理\n0\n3\n7\n\n\n2019年，我局共收到申请。"
    spans = [Span(3, 4, "VALUE"), Span(5, 6, "VALUE")]  # the tagger lost the 7 before the year
    assert [text[s.start:s.end] for s in repair_spans(text, spans)] == ["0", "3", "7"]
    # a number across a different gap than the values' is not taken
    text = "办理\n0\n3\t7\n\n2019年"
    assert [text[s.start:s.end] for s in repair_spans(text, spans)] == ["0", "3"]
    text = "0\t16\t546\n\n2020年"
    spans = [Span(0, 1, "VALUE"), Span(2, 4, "VALUE"), Span(5, 6, "VALUE"), Span(7, 8, "VALUE")]
    assert [text[s.start:s.end] for s in repair_spans(text, spans)] == ["0", "16", "546"]


def test_repair_takes_back_a_sign_and_joins_a_spaced_number_on_its_own_pipe_line():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    # one cell per line ending `` |``: ``5 819 |`` is one spaced-out number, ``-6`` keeps its sign
    text = "行政许可 |\n19 |\n5 819 |\n-6 |\n0 7 |\n"
    a, m, z = text.index("5 819"), text.index("-6"), text.index("0 7")
    spans = [Span(text.index("19"), text.index("19") + 2, "VALUE"), Span(a, a + 1, "VALUE"), Span(a + 2, a + 5, "VALUE"),
             Span(m + 1, m + 2, "VALUE"), Span(z, z + 1, "VALUE"), Span(z + 2, z + 3, "VALUE")]
    assert [text[s.start:s.end] for s in repair_spans(text, spans)] == ["19", "5 819", "-6", "0", "7"]
    # a hyphen inside words is no sign
    text = "第3-5项"
    assert [text[s.start:s.end] for s in repair_spans(text, [Span(3, 4, "VALUE")])] == ["5"]


def test_repair_adds_a_lone_number_between_value_lines_and_reads_a_numeral_before_its_label():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    # PDF column, one cell per line: the tagger left out 89; the footer and the prose number stay out
    text = "0\n2\n\n89\n40\n\n— 4 —\n共有\n7\n件"
    spans = [Span(0, 1, "VALUE"), Span(2, 3, "VALUE"), Span(8, 10, "VALUE")]
    assert [text[s.start:s.end] for s in repair_spans(text, spans)] == ["0", "2", "89", "40"]
    # the cells right after a page footer, the column going on below them: 65 and 4 are the column's
    text = "禁止公开\n\n\n—4—\n\n65\n4\n0\n0\n227\n406\n\n118"
    spans = [Span(m.start(), m.end(), "VALUE") for m in re.finditer(r"\d+", text) if m.start() > text.index("4\n0")]
    assert [text[s.start:s.end] for s in repair_spans(text, spans)] == ["65", "4", "0", "0", "227", "406", "118"]
    text = "（六）其他处理\n\n3、其他\n"
    a = text.index("3、")
    got = repair_spans(text, [Span(a, a + 1, "VALUE"), Span(a + 1, a + 4, "SECTION")])
    assert [(text[s.start:s.end], s.label) for s in got] == [("3、其他", "ROW_LABEL")]
    text = "\t（三） 不予公开\t1. 属于\t683"  # PDF text: the numeral after a tab
    a = text.index("1.")
    got = repair_spans(text, [Span(a, a + 1, "VALUE"), Span(a + 1, a + 5, "ROW_LABEL"), Span(a + 6, a + 9, "VALUE")])
    assert [(text[s.start:s.end], s.label) for s in got] == [("1. 属于", "ROW_LABEL"), ("683", "VALUE")]


def test_repair_adds_the_numbers_right_after_a_row_label_up_to_a_note():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    text = "政府集中采购 0 0（注：以上数据统计截至2020年）"
    assert [text[s.start:s.end] for s in repair_spans(text, [Span(0, 6, "ROW_LABEL")])] == ["政府集中采购", "0", "0"]
    # a count in words is prose; one number on the next line is not enough for a row of several cells…
    for text in ("行政许可 12件", "规范性文件\n12\n"):
        label = Span(0, 4 if text.startswith("行政") else 5, "ROW_LABEL")
        assert [text[s.start:s.end] for s in repair_spans(text, [label])] == [text[:label.end]]
    # …but it is the cell of a one-cell row (2021's 行政事业性收费)
    text = "行政事业性收费\n0\n\n\n（注：以上数据统计截至2021年）"
    assert [text[s.start:s.end] for s in repair_spans(text, [Span(0, 7, "ROW_LABEL")])] == ["行政事业性收费", "0"]
    # the last cell glued to the year of the paragraph after the table
    text = "总计 4 1 0 02019年，我局"
    spans = [Span(3, 4, "VALUE"), Span(5, 6, "VALUE"), Span(7, 8, "VALUE")]
    assert [text[s.start:s.end] for s in repair_spans(text, spans)] == ["4", "1", "0", "0"]


def test_repair_makes_one_label_of_the_pieces_in_one_markdown_cell():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    def spans_of(text, pieces):
        out, pos = [], 0
        for piece, label in pieces:
            pos = text.index(piece, pos)
            out.append(Span(pos, pos + len(piece), label))
            pos += len(piece)
        return out

    # the tagger cut a heading into three, took a header's digit for a value, and a numeral for a value
    text = ("| (六) 其他 | 数据1 | 总计 |\n|---|---|---|\n| 3. 要求提供公开出版物 | 0 | 0 |\n"
            "| 1.属于国家秘密<br>2.其他法律行政法规禁止公开 | 0<br>0 | 0 0 |\n| 行政许可 0 |")
    pieces = [("(", "ROW_LABEL"), ("六)", "ROW_LABEL"), ("其他", "ROW_LABEL"), ("数据", "COL_HEADER"), ("1", "VALUE"),
              ("总计", "COL_HEADER"), ("3.", "VALUE"), ("要求提供公开出版物", "ROW_LABEL"), ("0", "VALUE"), ("0", "VALUE"),
              ("1.属于国家秘密", "ROW_LABEL"), ("2.其他法律行政法规禁止公开", "ROW_LABEL"), ("0", "VALUE"), ("0", "VALUE"),
              ("0", "VALUE"), ("0", "VALUE"), ("行政许可", "ROW_LABEL"), ("0", "VALUE")]
    got = [(text[s.start:s.end], s.label) for s in repair_spans(text, spans_of(text, pieces))]
    assert got[:5] == [("(六) 其他", "ROW_LABEL"), ("数据1", "COL_HEADER"), ("总计", "COL_HEADER"),
                       ("3. 要求提供公开出版物", "ROW_LABEL"), ("0", "VALUE")]
    # rows merged into one cell by <br> stay apart; a value after a space is a value
    assert ("1.属于国家秘密", "ROW_LABEL") in got and ("2.其他法律行政法规禁止公开", "ROW_LABEL") in got
    assert got[-2:] == [("行政许可", "ROW_LABEL"), ("0", "VALUE")]
    # a row label the tagger split into a heading and a header piece is the row label it names
    text = "| 一、本年新收政府信息公开申请数量 | 3746 | 63 |"
    a = text.index("息公开")
    got = repair_spans(text, [Span(2, a, "SECTION"), Span(a, a + 7, "COL_HEADER")])
    assert [(text[s.start:s.end], s.label) for s in got][0] == ("一、本年新收政府信息公开申请数量", "ROW_LABEL")
    # outside markdown rows nothing is joined
    text = "数据1 总计"
    assert len(repair_spans(text, [Span(0, 2, "COL_HEADER"), Span(2, 3, "VALUE")])) == 2


def test_repair_adds_a_whole_tab_field_number_and_a_cut_off_decimal_tail():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    # PDF text, tab-separated: the tagger left out the row's last cell
    text = "政府集中采购\t0\t0\t\n\n（注：以上数据统计截至2021年）"
    got = repair_spans(text, [Span(0, 6, "ROW_LABEL"), Span(7, 8, "VALUE")])
    assert [text[s.start:s.end] for s in got] == ["政府集中采购", "0", "0"]
    # a number inside words on a tab line is not a field
    text = "政府集中采购\t0\t共3项\n"
    assert len(repair_spans(text, [Span(0, 6, "ROW_LABEL"), Span(7, 8, "VALUE")])) == 2
    # a decimal amount the tagger cut right after its point
    text = "行政事业性收费 2776633.2 （注：以上数据统计截至2024年12月31日。）"
    got = repair_spans(text, [Span(0, 7, "ROW_LABEL"), Span(8, 16, "VALUE")])
    assert [text[s.start:s.end] for s in got] == ["行政事业性收费", "2776633.2"]


def test_repairs_run_until_nothing_changes():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    # 4 is completed to 40 first; only then is 89 a number between two value lines
    text = "0\n2\n\n89\n40\n\n\n— 4 —\n"
    spans = [Span(0, 1, "VALUE"), Span(2, 3, "VALUE"), Span(8, 9, "VALUE")]
    once = repair_spans(text, spans)
    assert [text[s.start:s.end] for s in once] == ["0", "2", "89", "40"]
    assert repair_spans(text, once) == once


def test_repair_completes_cut_labels_and_runs_glued_to_the_prose_after_the_table():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    # a label cut one character short, its value glued to the year that opens the next paragraph
    text = "第二十条第（八）项行政事业性收费02025年，我局严格按照"
    a = text.index("行政")
    got = [(s.label, text[s.start:s.end]) for s in repair_spans(text, [Span(a, a + 6, "ROW_LABEL")])]
    assert got == [("ROW_LABEL", "行政事业性收费"), ("VALUE", "0")]
    # the review table's run cut one digit before the prose glued to it
    text = "总计10000100000000000我局严格规范"
    assert [text[s.start:s.end] for s in repair_spans(text, [Span(2, 18, "VALUE")])] == ["10000100000000000"]
    # but a number in the prose (3件) and a row numeral (2.重复申请) stay out of the run
    text = "总计000000003件申请"
    assert [text[s.start:s.end] for s in repair_spans(text, [Span(2, 10, "VALUE")])] == ["00000000"]
    text = "1.信访举报投诉类申请00000002.重复申请"
    v = text.index("0000000")
    assert [text[s.start:s.end] for s in repair_spans(text, [Span(v, v + 7, "VALUE")])] == ["0000000"]


def test_repair_finds_a_column_cell_right_after_a_page_footer():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    text = "2、重复申请\n\n0\n\n38\n\n\n—5—\n\n53\n108\n\n0\n6"
    spans = [Span(text.index(v, text.index("重复")), text.index(v, text.index("重复")) + len(v), "VALUE")
             for v in ("0\n", "38", "108")]
    spans = [Span(s.start, s.end - (1 if text[s.end - 1] == "\n" else 0), "VALUE") for s in spans]
    got = [text[s.start:s.end] for s in repair_spans(text, spans) if s.label == "VALUE"]
    assert "53" in got and "5" not in got  # the footer's page number is no cell


def test_repair_joins_a_row_label_the_tagger_cut_in_two():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    text = "规章\n0\n行政规范性文件\n2\n规章行政许可"
    a = text.index("行政规范")
    spans = [Span(0, 2, "ROW_LABEL"), Span(3, 4, "VALUE"), Span(a, a + 2, "ROW_LABEL"),
             Span(a + 2, a + 7, "ROW_LABEL"), Span(a + 8, a + 9, "VALUE"),
             Span(a + 10, a + 12, "ROW_LABEL"), Span(a + 12, a + 16, "ROW_LABEL")]
    labels = [text[s.start:s.end] for s in repair_spans(text, spans) if s.label == "ROW_LABEL"]
    # 规章行政许可 names no row: two labels that touch stay two
    assert labels == ["规章", "行政规范性文件", "规章", "行政许可"]


def test_repair_finds_the_column_cells_on_both_sides_of_a_page_footer():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    # the tagger left out the cell before the footer and the one after it: neither has a value line
    # on both sides, but the two missed cells together do
    text = "结果维持\n\n21\n\n0\n\n40\n\n5\n\n— 4 —\n\n121\n\n0\n\n0\n\n总计\n\n2019年共12\n\n7"
    spans = [Span(m.start(), m.end(), "VALUE") for m in re.finditer(r"(?m)^(21|0|40)$", text)]
    got = [text[s.start:s.end] for s in repair_spans(text, spans) if s.label == "VALUE"]
    assert got == ["21", "0", "40", "5", "121", "0", "0"]  # not the footer's 4, nor the 7 after prose


def test_repair_joins_a_spaced_number_that_ends_a_column_before_a_label():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    text = "（一）予以公开\n\n9592\n\n0\n\n76\n\n97 89\n\n（二）部分公开\n\n0"
    spans = [Span(text.index(v), text.index(v) + len(v), "VALUE") for v in ("9592", "76", "97", "89")]
    spans.insert(1, Span(text.index("\n0\n") + 1, text.index("\n0\n") + 2, "VALUE"))
    got = [text[s.start:s.end] for s in repair_spans(text, sorted(spans)) if s.label == "VALUE"]
    assert "97 89" in got
    # but two numbers on a row label's line are two cells
    text = "规章\n0\n0\n行政许可 1 0\n"
    spans = [Span(3, 4, "VALUE"), Span(5, 6, "VALUE"), Span(12, 13, "VALUE"), Span(14, 15, "VALUE")]
    assert [text[s.start:s.end] for s in repair_spans(text, spans) if s.label == "VALUE"] == ["0", "0", "1", "0"]


def test_repair_finds_every_last_cell_the_tagger_left_before_the_next_paragraphs_year():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    text = "四、结转下年度继续办理0 0 0 0 0 002025年，我局共收到申请5件。"
    first = text.index("0")
    spans = [Span(first + 2 * i, first + 2 * i + 1, "VALUE") for i in range(4)]
    got = [text[s.start:s.end] for s in repair_spans(text, spans) if s.label == "VALUE"]
    assert got == ["0", "0", "0", "0", "0", "00"]
    # numbers in a sentence that does not start with a year stay out
    text = "四、结转下年度继续办理0 0 0 0 共3 5件"
    spans = [Span(text.index("0") + 2 * i, text.index("0") + 2 * i + 1, "VALUE") for i in range(4)]
    assert len([s for s in repair_spans(text, spans) if s.label == "VALUE"]) == 4


def test_repair_reads_cells_below_a_lone_label_and_numbers_cut_before_a_note():
    from nianbao.infer.tagger import repair_spans
    from nianbao.spans import Span

    text = "采购总金额\n政府集中采购\n0\n0\n\n（注：以上数据统计截至2019年12月31日。）"
    lab = text.index("政府")
    got = [(s.label, text[s.start:s.end]) for s in repair_spans(text, [Span(lab, lab + 6, "ROW_LABEL")])]
    assert got == [("ROW_LABEL", "政府集中采购"), ("VALUE", "0"), ("VALUE", "0")]
    text = "政府集中采购 102 96991（注：以上数据统计截至2019年12月31日。）"
    v = text.index("9699")
    spans = [Span(0, 6, "ROW_LABEL"), Span(7, 10, "VALUE"), Span(v, v + 4, "VALUE")]
    assert [text[s.start:s.end] for s in repair_spans(text, spans) if s.label == "VALUE"] == ["102", "96991"]
