"""Active learning with Label Studio: pure tests (config, selection, round) and tests against a real Label
Studio server started on 127.0.0.1 for the session (tests/ls_server.py)."""

from __future__ import annotations

import functools
import http.server
import json
import math
import shutil
import threading
import time
import traceback
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from ls_server import TIMINGS, ls_client, ls_server, make_pool, make_tiny_tagger, synthetic_doc  # noqa: F401
from nianbao.labeling.cli import label_app
from nianbao.labeling.client import LabelingError, LabelStudioClient, connect
from nianbao.labeling.config import label_config
from nianbao.labeling.project import find_project, setup
from nianbao.labeling.pull import load_examples, pull
from nianbao.labeling.push import docs_in_project, push, task_for
from nianbao.labeling.round import next_round_dir, run_round
from nianbao.labeling.select import (DocScore, minhash, percentile_ranks, random_select, score_document, select,
                                     similarity, uncertainty)
from nianbao.record import Check, Flag, Record
from nianbao.spans import BIO_TAGS, HOTKEYS, LABELS, Span, spans_to_ls_result, utf16_offsets

# --------------------------------------------------------------------------------------------------------
# Labeling config


def test_label_config_has_one_label_per_span_type_with_hotkey_and_distinct_colour():
    root = ET.fromstring(label_config())
    labels = root.findall("./Labels/Label")
    assert [lab.get("value") for lab in labels] == list(LABELS)
    assert {lab.get("value"): lab.get("hotkey") for lab in labels} == HOTKEYS
    colours = [lab.get("background").lower() for lab in labels]
    assert len(set(colours)) == len(colours)
    assert root.find("./Labels").get("name") == "label" and root.find("./Labels").get("toName") == "text"
    assert root.find("./Text").get("value") == "$text"
    assert "white-space: pre-wrap" in root.find("./Style").text


# --------------------------------------------------------------------------------------------------------
# Selection (pure)

TAGS = BIO_TAGS


def probs_for(n: int, spans: list[Span], p_path: float, p_second: float | None = None) -> np.ndarray:
    """Per-character probabilities putting ``p_path`` on the path tag and the rest on one other tag."""
    from nianbao.labeling.select import path_indices

    path = path_indices(n, spans, TAGS)
    probs = np.zeros((n, len(TAGS)), dtype=np.float32)
    probs[np.arange(n), path] = p_path
    other = (path + 1) % len(TAGS)
    probs[np.arange(n), other] = 1 - p_path if p_second is None else p_second
    return probs


def test_uncertainty_is_mean_log_prob_of_the_decoded_path_and_hard_character_margin():
    spans = [Span(2, 5, "VALUE")]
    probs = probs_for(40, spans, 0.9)
    probs[3] = 0
    probs[3, TAGS.index("I-VALUE")], probs[3, 0] = 0.6, 0.4  # one hard character on the path
    mnlp, margin = uncertainty(probs, spans, TAGS)
    assert mnlp == pytest.approx((39 * math.log(0.9) + math.log(0.6)) / 40, abs=1e-5)
    # q = 5 % of 40 characters = the 2 hardest: margins 0.2 and 0.8
    assert margin == pytest.approx((0.2 + 0.8) / 2, abs=1e-5)
    assert DocScore("d", 40, mnlp, margin).confidence == pytest.approx(math.exp(mnlp))


def test_percentile_ranks_share_ties():
    assert percentile_ranks([3.0, 1.0, 2.0]) == [1.0, 0.0, 0.5]
    assert percentile_ranks([1.0, 1.0, 5.0]) == [0.25, 0.25, 1.0]
    assert percentile_ranks([7.0]) == [0.5]


def distinct_texts(n: int) -> dict[str, str]:
    return {f"d{i}": synthetic_doc(i)[0] + "".join(chr(0x4E00 + 97 * i + j) for j in range(200)) for i in range(n)}


def test_select_takes_the_least_confident_first():
    texts = distinct_texts(4)
    scores = [DocScore(d, 100, math.log(c), c) for d, c in zip(texts, [0.9, 0.5, 0.7, 0.95])]
    chosen = select(texts, scores, 2)
    assert [c.doc for c in chosen] == ["d1", "d2"]
    assert chosen[0].confidence == pytest.approx(0.5)
    assert "confidence 0.500" in chosen[0].reasons[0]


def test_failing_checks_and_flags_boost_a_document():
    texts = distinct_texts(3)
    scores = [DocScore("d0", 100, math.log(0.80), 0.8),
              DocScore("d1", 100, math.log(0.85), 0.85, failing=4, checked=4, flags=("glued_unsolved",) * 2),
              DocScore("d2", 100, math.log(0.95), 0.95)]
    chosen = select(texts, scores, 3)
    assert [c.doc for c in chosen] == ["d1", "d0", "d2"]
    assert any("4/4 identity checks fail" in r for r in chosen[0].reasons)
    assert any("glued_unsolved" in r for r in chosen[0].reasons)


def test_score_document_reads_checks_and_flags_of_the_record():
    text = "x" * 30
    spans = [Span(0, 3, "VALUE")]
    record = Record(doc="a", template="2020",
                    checks=[Check("c1", "fail", ""), Check("c2", "pass", ""), Check("c3", "incomplete", "")],
                    flags=[Flag("glued_ambiguous", ["k"], "")])
    s = score_document("a", probs_for(len(text), spans, 0.7), spans, TAGS, record)
    assert (s.failing, s.checked, s.flags, s.no_tables) == (1, 2, ("glued_ambiguous",), False)
    assert s.fail_share == 0.5
    failed = score_document("b", probs_for(30, spans, 0.7), spans, TAGS, Record.failed("b", "not_a_report", ""))
    assert failed.no_tables and failed.fail_share == 1.0


def test_diversity_guard_skips_near_duplicates():
    base = synthetic_doc(1)[0] * 3
    texts = {"a": base, "a-rescraped": base.replace("\n", " \n") + "-2-", "b": distinct_texts(3)["d2"]}
    assert similarity(minhash(texts["a"]), minhash(texts["a-rescraped"])) > 0.8
    assert similarity(minhash(texts["a"]), minhash(texts["b"])) < 0.3
    scores = [DocScore("a", 1, -0.9, 0.1), DocScore("a-rescraped", 1, -0.8, 0.1), DocScore("b", 1, -0.1, 0.9)]
    chosen = select(texts, scores, 2)
    assert [c.doc for c in chosen] == ["a", "b"]
    assert chosen[0].near_duplicates == ["a-rescraped"]
    assert [c.doc for c in select(texts, scores, 2, threshold=1.0)] == ["a", "a-rescraped"]


def test_random_select_is_seeded():
    docs = [f"d{i}" for i in range(10)]
    a, b = random_select(docs, 4, seed=3), random_select(list(reversed(docs)), 4, seed=3)
    assert [c.doc for c in a] == [c.doc for c in b] and len({c.doc for c in a}) == 4
    assert [c.doc for c in random_select(docs, 4, seed=4)] != [c.doc for c in a]
    assert len(random_select(docs[:2], 5)) == 2


# --------------------------------------------------------------------------------------------------------
# Round (pure, with simple real callables)


def test_run_round_writes_the_before_after_table(tmp_path):
    start = tmp_path / "model-0"
    start.mkdir()
    (start / "quality.json").write_text('{"cell_accuracy": 0.5, "span_f1": 0.25}')

    def train_fn(model_dir: Path, annotations: Path, out: Path) -> Path:
        shutil.copytree(model_dir, out)
        q = json.loads((out / "quality.json").read_text())
        (out / "quality.json").write_text(json.dumps({k: v + 0.125 for k, v in q.items()}))
        return out

    def eval_fn(model_dir: Path) -> dict[str, float]:
        return json.loads((model_dir / "quality.json").read_text())

    round_dir = next_round_dir(tmp_path / "rounds")
    assert round_dir.name == "round-001"
    result = run_round(round_dir, start, tmp_path / "no-annotations", train_fn, eval_fn)
    assert result.after_model == round_dir / "model"
    assert result.rows() == [("cell_accuracy", 0.5, 0.625, 0.125), ("span_f1", 0.25, 0.375, 0.125)]
    table = (round_dir / "before_after.md").read_text()
    assert "| cell_accuracy | 0.5000 | 0.6250 | +0.1250 |" in table
    saved = json.loads((round_dir / "round.json").read_text())
    assert saved["after"] == {"cell_accuracy": 0.625, "span_f1": 0.375} and saved["annotations"] == 0
    assert next_round_dir(tmp_path / "rounds").name == "round-002"


# --------------------------------------------------------------------------------------------------------
# Client errors


def assert_no_key_in_traceback(error: BaseException, *keys: str) -> None:
    """The error carries no cause or context (the request with its headers), and its printed traceback
    holds none of the keys."""
    assert error.__cause__ is None and error.__context__ is None
    printed = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    assert all(k not in printed for k in keys)


def test_server_down_gives_one_line_error_saying_what_to_do():
    from nianbao.labeling.server import free_port

    key = "0123456789abcdef" * 2 + "01234567"  # a legacy token: 40 hex digits
    with pytest.raises(LabelingError) as e:  # a real closed port on 127.0.0.1
        connect(f"http://127.0.0.1:{free_port()}", key, timeout=5)
    msg = str(e.value)
    assert "cannot reach Label Studio" in msg and "nianbao label server" in msg and "\n" not in msg
    assert_no_key_in_traceback(e.value, key)


def forged_pat(exp: int) -> str:
    """A JWT refresh token shaped like a personal access token, signed with a key no server has."""
    import jwt

    return jwt.encode({"token_type": "refresh", "exp": exp, "user_id": 1}, "s" * 32)


def test_server_down_with_a_personal_access_token():
    """A JWT key makes the SDK fetch an access token first: that request failing gives the same line."""
    from nianbao.labeling.server import free_port

    pat = forged_pat(int(time.time()) + 3600)
    with pytest.raises(LabelingError) as e:
        connect(f"http://127.0.0.1:{free_port()}", pat, timeout=5)
    assert "cannot reach Label Studio" in str(e.value) and "\n" not in str(e.value)
    assert_no_key_in_traceback(e.value, pat)


def test_not_a_label_studio_server_is_said_so(tmp_path):
    """Some other web server at the URL (a real one on 127.0.0.1, answering 404 pages in HTML)."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(tmp_path))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as other:
        threading.Thread(target=other.serve_forever, daemon=True).start()
        try:
            with pytest.raises(LabelingError) as e:
                connect(f"http://127.0.0.1:{other.server_port}", "a" * 40, timeout=5)
        finally:
            other.shutdown()
    msg = str(e.value)
    assert "does not look like a Label Studio server" in msg and "LABEL_STUDIO_URL" in msg and "\n" not in msg
    assert_no_key_in_traceback(e.value, "a" * 40)


def test_url_without_scheme_is_explained():
    with pytest.raises(LabelingError, match="not a Label Studio URL") as e:
        connect("127.0.0.1:8080", "b" * 40, timeout=5)
    assert_no_key_in_traceback(e.value, "b" * 40)


def test_missing_key_is_explained(monkeypatch):
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    with pytest.raises(LabelingError, match="LABEL_STUDIO_API_KEY"):
        connect("http://127.0.0.1:9")


# --------------------------------------------------------------------------------------------------------
# Against a real Label Studio server


def test_refused_key_gives_one_line_error_without_the_key(ls_server):
    bad = "f" * 40
    with pytest.raises(LabelingError) as e:
        connect(ls_server.url, bad)
    msg = str(e.value)
    assert "refused the API key" in msg and "LABEL_STUDIO_API_KEY" in msg
    assert bad not in msg and ls_server.api_key not in msg and "\n" not in msg
    assert_no_key_in_traceback(e.value, bad, ls_server.api_key)
    client = LabelStudioClient(ls_server.url, ls_server.api_key)
    assert ls_server.api_key not in repr(client) and ls_server.api_key not in repr(client.sdk)


def test_personal_access_token_works(ls_client, ls_server):
    pat = ls_client.sdk.tokens.create().token
    assert pat.count(".") == 2  # a JWT refresh token, exchanged by the SDK for access tokens
    client = connect(ls_server.url, pat)
    assert client.whoami()["email"] == ls_server.username
    assert [p["id"] for p in client.projects()] == [p["id"] for p in ls_client.projects()]


def test_forged_or_expired_personal_access_token_is_refused(ls_server):
    now = int(time.time())
    forged, expired = forged_pat(now + 3600), forged_pat(now - 60)
    for key, hint in ((forged, ""), (expired, " (it has expired)")):
        with pytest.raises(LabelingError) as e:
            connect(ls_server.url, key)
        msg = str(e.value)
        assert f"refused the API key{hint}:" in msg and "LABEL_STUDIO_API_KEY" in msg and "\n" not in msg
        assert_no_key_in_traceback(e.value, key)


def test_proxy_settings_of_the_environment_are_ignored(ls_server, monkeypatch):
    """A proxy in the environment (here a closed port) is never used to reach the server."""
    from nianbao.labeling.server import free_port

    proxy = f"http://127.0.0.1:{free_port()}"
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, proxy)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    assert connect(ls_server.url, ls_server.api_key).whoami()["email"] == ls_server.username


def test_setup_is_idempotent(ls_client):
    first = setup(ls_client, "setup twice")
    second = setup(ls_client, "setup twice")
    assert first.created and not second.created and not second.config_updated
    assert first.project_id == second.project_id
    assert [p["title"] for p in ls_client.projects()].count("setup twice") == 1
    # an outdated config is brought up to date
    ls_client.update_project(first.project_id, label_config=label_config().replace('hotkey="v"', 'hotkey="x"'))
    third = setup(ls_client, "setup twice")
    assert third.project_id == first.project_id and third.config_updated
    assert 'hotkey="v"' in find_project(ls_client, "setup twice")["label_config"]


def test_calls_return_plain_json_without_warnings(ls_client):
    """The SDK's objects come back as the server's JSON, and converting them warns about nothing (the SDK
    types some counts as strings that Label Studio 1.23 sends as ints; a warning would reach the terminal)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        project_id = setup(ls_client, "plain json").project_id
        ls_client.import_tasks(project_id, [task_for("d.txt", "一二三", [Span(0, 2, "VALUE")], "m", 0.5)])
        (task,) = ls_client.tasks(project_id)
        got = [ls_client.whoami(), ls_client.projects(title="plain json"), task, ls_client.predictions(task["id"]),
               ls_client.create_annotation(task["id"], spans_to_ls_result("一二三", [Span(0, 2, "VALUE")]))]
    assert json.loads(json.dumps(got)) == got
    assert got[1][0]["id"] == project_id and task["data"] == {"text": "一二三", "doc": "d.txt"}
    assert got[3][0]["score"] == 0.5 and got[4]["task"] == task["id"]


def annotate_from_gold(client: LabelStudioClient, project_id: int, gold: dict[str, tuple[str, list[Span]]],
                       change=None) -> dict[int, list[Span]]:
    """A simulated annotator: opens each task, starts from the model's pre-annotation and corrects it to the
    gold spans (``change(doc, spans)`` may alter them), saving through the API. Returns the spans saved
    per task id."""
    saved = {}
    for task in client.tasks(project_id):
        text, spans = gold[task["data"]["doc"]]
        assert task["data"]["text"] == text
        spans = change(task["data"]["doc"], spans) if change else spans
        predictions = client.predictions(task["id"])
        parent = {"parent_prediction": predictions[0]["id"]} if predictions else {}
        client.create_annotation(task["id"], spans_to_ls_result(text, spans), lead_time=12.5, **parent)
        saved[task["id"]] = spans
    return saved


def example_spans(example: dict) -> list[Span]:
    return [Span(s["start"], s["end"], s["label"]) for s in example["spans"]]


def train_tiny(model_dir: Path, annotations: Path, out: Path, steps: int = 30) -> Path:
    """A real (if small) fine-tune of the tiny tagger on the pulled annotations."""
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    from nianbao.spans import spans_to_bio
    from nianbao.textio import normalize_for_model

    torch.manual_seed(0)
    model = AutoModelForTokenClassification.from_pretrained(str(model_dir))
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    windows = []
    for ex in load_examples(annotations):
        ids = tokenizer(normalize_for_model(ex["text"]), add_special_tokens=False)["input_ids"]
        tags = [BIO_TAGS.index(t) for t in spans_to_bio(ex["text"], example_spans(ex))]
        assert len(ids) == len(tags)
        windows += [(ids[s:s + 64], tags[s:s + 64]) for s in range(0, len(ids), 48)]
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    model.train()
    for step in range(steps):
        ids, tags = windows[step % len(windows)]
        loss = model(input_ids=torch.tensor([ids]), labels=torch.tensor([tags])).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
    model.config.nianbao = {**model.config.nianbao, "model_id": "tiny-test-round-1"}
    model.save_pretrained(str(out))
    tokenizer.save_pretrained(str(out))
    return out


def tag_accuracy(gold: dict[str, tuple[str, list[Span]]]):
    """eval_fn: per-character BIO tag accuracy and exact span F1 of a model on a fixed gold set."""
    from nianbao.infer.tagger import Tagger
    from nianbao.spans import spans_to_bio

    def eval_fn(model_dir: Path) -> dict[str, float]:
        tagger = Tagger.load(model_dir)
        right = total = tp = n_pred = n_gold = 0
        for text, spans in gold.values():
            pred = tagger.predict(text)
            right += sum(a == b for a, b in zip(spans_to_bio(text, pred), spans_to_bio(text, spans)))
            total += len(text)
            key = {(s.start, s.end, s.label) for s in spans}
            tp += sum((s.start, s.end, s.label) in key for s in pred)
            n_pred, n_gold = n_pred + len(pred), n_gold + len(spans)
        return {"tag_accuracy": right / total, "span_f1": 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0}

    return eval_fn


def test_setup_push_annotate_pull_round(ls_client, tmp_path):
    """The whole loop against the real server: the imported examples equal the annotator's corrections."""
    gold = make_pool(tmp_path / "pool", 8)
    model = make_tiny_tagger(tmp_path / "model", [t for t, _ in gold.values()])
    from nianbao.infer.tagger import Tagger

    tagger = Tagger.load(model)
    project_id = setup(ls_client, "loop").project_id

    # push: 5 of 8, least confident first, with the tagger's pre-annotations
    report = push(ls_client, project_id, tmp_path / "pool", tagger, 5, threshold=0.95)
    assert (report.pool, report.imported, report.already_in_project) == (8, 5, 0)
    tasks = list(ls_client.tasks(project_id))
    assert {t["data"]["doc"] for t in tasks} == {c.doc for c in report.chosen}
    scores = []
    for t in tasks:
        (pred,) = ls_client.predictions(t["id"])
        assert pred["model_version"] == "tiny-test"
        scores.append(pred["score"])
        expected = tagger.predict(t["data"]["text"])
        assert pred["result"] == spans_to_ls_result(t["data"]["text"], expected)
    assert scores == sorted(scores) and all(0 < s <= 1 for s in scores)

    # push again: only the 3 documents not yet in the project can come
    again = push(ls_client, project_id, tmp_path / "pool", tagger, 5, threshold=0.95)
    assert (again.already_in_project, again.imported) == (5, 3)
    assert docs_in_project(ls_client, project_id) == set(gold)
    assert len(list(ls_client.tasks(project_id))) == 8

    # annotate: the simulated annotator corrects every pre-annotation to the gold spans
    saved = annotate_from_gold(ls_client, project_id, gold)

    # pull: the examples are exactly the corrections, with provenance
    out = tmp_path / "data" / "annotations"
    first = pull(ls_client, project_id, out)
    assert (len(first.added), first.replaced, first.unchanged, first.skipped, first.total) == (8, [], 0, [], 8)
    examples = load_examples(out)
    assert len(examples) == 8
    for ex in examples:
        text, spans = gold[ex["doc"]]
        assert ex["text"] == text
        assert example_spans(ex) == sorted(saved[ex["task_id"]]) == sorted(spans)
        assert ex["annotator"] == "annotator@nianbao.local" and ex["model_version"] == "tiny-test"
        assert ex["id"].startswith(f"t{ex['task_id']}-a") and ex["annotated_at"].endswith("+00:00")

    # re-pull: nothing changes
    second = pull(ls_client, project_id, out)
    assert (second.added, second.replaced, second.unchanged, second.total) == ([], [], 8, 8)
    assert load_examples(out) == examples

    # round: retrain from the current model with the annotations; before/after on a fixed set
    result = run_round(tmp_path / "rounds" / "round-001", model, out, train_tiny, tag_accuracy(gold))
    assert result.annotations == 8
    assert result.after["tag_accuracy"] > result.before["tag_accuracy"]
    assert "| tag_accuracy |" in (tmp_path / "rounds" / "round-001" / "before_after.md").read_text()


def import_gold_tasks(client: LabelStudioClient, title: str, gold) -> tuple[int, dict[str, int]]:
    """A project holding the gold documents as tasks (pre-annotated with the gold spans, model 'gold')."""
    project_id = setup(client, title).project_id
    client.import_tasks(project_id, [task_for(doc, text, spans, "gold", 1.0)
                                     for doc, (text, spans) in gold.items()])
    return project_id, {t["data"]["doc"]: t["id"] for t in client.tasks(project_id)}


def test_newer_annotation_replaces_older_and_invalid_ones_are_skipped(ls_client, tmp_path):
    gold = {f"doc-{i}.txt": synthetic_doc(i) for i in range(4)}
    project_id, task_ids = import_gold_tasks(ls_client, "replace and skip", gold)
    annotate_from_gold(ls_client, project_id, gold)
    out = tmp_path / "annotations"
    assert pull(ls_client, project_id, out).total == 4

    # a newer annotation of doc-0 (one span dropped) replaces the older example
    text0, spans0 = gold["doc-0.txt"]
    ann = ls_client.create_annotation(task_ids["doc-0.txt"], spans_to_ls_result(text0, spans0[1:]))
    # invalid newer annotations: doc-1 a span past the end, doc-2 an unknown label, doc-3 overlapping spans
    text1, _ = gold["doc-1.txt"]
    ls_client.create_annotation(task_ids["doc-1.txt"], [
        {"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": len(text1) - 2, "end": len(text1) + 40, "labels": ["VALUE"]}}])
    text2, spans2 = gold["doc-2.txt"]
    bad_label = spans_to_ls_result(text2, spans2)
    bad_label[0]["value"]["labels"] = ["NOT_A_LABEL"]
    ls_client.create_annotation(task_ids["doc-2.txt"], bad_label)
    text3, spans3 = gold["doc-3.txt"]
    s = spans3[0]
    overlapping = spans3 + [Span(s.start, s.end + 2, "DATE")]
    ls_client.create_annotation(task_ids["doc-3.txt"], spans_to_ls_result(text3, overlapping))
    # a task whose only annotation is invalid never becomes an example
    extra_text, _ = synthetic_doc(5)
    ls_client.import_tasks(project_id, [{"data": {"text": extra_text, "doc": "extra.txt"}}])
    extra_id = [t["id"] for t in ls_client.tasks(project_id) if t["data"]["doc"] == "extra.txt"][0]
    ls_client.create_annotation(extra_id, [{"from_name": "label", "to_name": "text", "type": "labels",
                                            "value": {"start": 5, "end": 2, "labels": ["VALUE"]}}])

    report = pull(ls_client, project_id, out)
    assert report.replaced == [f"t{task_ids['doc-0.txt']}-a{ann['id']}"] and report.added == []
    assert report.total == 4
    assert len(report.skipped) == 4
    text = "\n".join(report.skipped)
    assert "not inside the text" in text and "unknown label 'NOT_A_LABEL'" in text and "overlaps" in text
    assert "extra.txt" in text
    examples = {e["doc"]: e for e in load_examples(out)}
    assert sorted(examples) == sorted(gold)
    assert example_spans(examples["doc-0.txt"]) == sorted(spans0[1:])
    for doc in ("doc-1.txt", "doc-2.txt", "doc-3.txt"):  # the older valid annotation stays the example
        assert example_spans(examples[doc]) == sorted(gold[doc][1])
    # and pulling again still changes nothing
    again = pull(ls_client, project_id, out)
    assert (again.added, again.replaced, again.unchanged, again.total) == ([], [], 4, 4)


def test_astral_characters_keep_offsets_right(ls_client, tmp_path):
    """Label Studio counts UTF-16 units: an emoji or a CJK Extension B character shifts every later offset."""
    text, spans = synthetic_doc(7)
    assert "😀" in text and "𠀀" in text
    first_astral = min(text.index("😀"), text.index("𠀀"))
    assert any(s.start > first_astral for s in spans)
    gold = {"astral.txt": (text, spans)}
    project_id, task_ids = import_gold_tasks(ls_client, "astral offsets", gold)
    annotate_from_gold(ls_client, project_id, gold)
    # what the server stores is in UTF-16 units, not Python indices
    stored = ls_client.export(project_id)[0]["annotations"][0]["result"]
    u16 = utf16_offsets(text)
    assert [r["value"]["start"] for r in stored] == [u16[s.start] for s in sorted(spans)]
    assert any(u16[s.start] != s.start for s in spans)
    out = tmp_path / "annotations"
    pull(ls_client, project_id, out)
    (example,) = load_examples(out)
    assert example_spans(example) == sorted(spans)
    assert [text[s["start"]:s["end"]] for s in example["spans"]] == [s.text(text) for s in sorted(spans)]


def test_cli_setup_push_pull_never_print_the_key(ls_server, tmp_path):
    gold = make_pool(tmp_path / "pool", 3)
    model = make_tiny_tagger(tmp_path / "model", [t for t, _ in gold.values()])
    env = {"LABEL_STUDIO_URL": ls_server.url, "LABEL_STUDIO_API_KEY": ls_server.api_key}
    runner = CliRunner()
    outputs = []
    for args in (["setup", "--project", "cli project"],
                 ["push", str(tmp_path / "pool"), "-k", "2", "--model", str(model), "--project", "cli project"],
                 ["pull", "--out", str(tmp_path / "ann"), "--project", "cli project"]):
        r = runner.invoke(label_app, args, env=env)
        assert r.exit_code == 0, r.output
        outputs.append(r.output)
    assert "created" in outputs[0] and "imported 2 of 3" in outputs[1] and "0 examples" in outputs[2]
    assert all(ls_server.api_key not in o for o in outputs)
    wrong_key = {**env, "LABEL_STUDIO_API_KEY": "e" * 40}
    r = runner.invoke(label_app, ["pull", "--project", "cli project"], env=wrong_key)
    assert r.exit_code == 1 and "refused the API key" in r.output and "e" * 40 not in r.output
    r = runner.invoke(label_app, ["pull", "--project", "no such project"], env=env)
    assert r.exit_code == 1 and "nianbao label setup" in r.output


def test_zz_report_timings(ls_server):
    """Not a check: prints how long the server took to install/check and start (pytest -s shows it)."""
    print(f"\nLabel Studio timings: {', '.join(f'{k} {v:.1f}' for k, v in TIMINGS.items())}")
