"""Fixtures for the Label Studio tests: a real server on 127.0.0.1, a tiny tagger and a synthetic pool.

Imported by tests/test_labeling.py (``from ls_server import *``-style, by name). The server is installed into
its own virtual environment on first use (~1 min); the test is skipped only when that install is impossible.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest

from markup import markup
from nianbao.labeling.client import LabelingError, LabelStudioClient
from nianbao.labeling.server import DEFAULT_VENV, LocalServer, ensure_installed, free_port
from nianbao.spans import BIO_TAGS, Span

TIMINGS: dict[str, float] = {}

AGENCIES = ["乌蒙镇人民政府", "海坛片区管理局", "青山区教育局", "东湖街道办事处", "平潭县财政局",
            "南明区卫生健康局", "白云区司法局", "𠀀溪镇人民政府"]  # the last one starts with U+20000 (CJK Ext-B)
PROSE = ["本年度我单位认真贯彻落实《中华人民共和国政府信息公开条例》。", "进一步加强组织领导，明确专人负责。",
         "通过门户网站及时发布各类信息。", "全年未发生因信息公开引起的行政复议。", "依申请公开工作运行平稳。",
         "持续优化政府网站栏目设置。", "加强政策解读和回应关切。", "推进基层政务公开标准化规范化。"]
ROWS = ["规章", "规范性文件", "行政许可", "行政处罚", "行政强制"]


def synthetic_doc(i: int) -> tuple[str, list[Span]]:
    """A small report with its gold spans; document 7 holds astral characters (an emoji and U+20000)
    before and inside spans."""
    rng = random.Random(i)
    agency, year = AGENCIES[i % len(AGENCIES)], 2019 + i % 3
    prose = "".join(rng.sample(PROSE, 3))
    if i % len(AGENCIES) == 7:
        prose = "😀" + prose
    rows = "".join(f"[[ROW_LABEL:{r}]] | [[VALUE:{rng.randint(0, 90)}]] | "
                   f"[[VALUE:{rng.randint(0, 9)} {rng.randint(0, 9)}]]\n" for r in rng.sample(ROWS, 3))
    source = (f"[[TITLE:{agency}{year}年政府信息公开工作年度报告]]\n"
              f"[[SECTION:一、总体情况]]\n{prose}\n"
              f"[[SECTION:二、主动公开政府信息情况]]\n[[TABLE_TITLE:第二十条第（一）项]]\n"
              f"[[COL_HEADER:信息内容]] | [[COL_HEADER:本年新制作数量]] | [[COL_HEADER:本年新公开数量]]\n{rows}"
              f"{''.join(rng.sample(PROSE, 2))}\n[[AGENCY:{agency}]]\n"
              f"[[DATE:{year + 1}年1月{rng.randint(1, 28)}日]]\n")
    return markup(source)


def make_pool(folder: Path, n: int = 8) -> dict[str, tuple[str, list[Span]]]:
    """Write ``n`` synthetic documents as ``doc-NN.txt``; returns {doc: (text, gold spans)}."""
    folder.mkdir(parents=True, exist_ok=True)
    gold = {}
    for i in range(n):
        text, spans = synthetic_doc(i)
        doc = f"doc-{i:02d}.txt"
        (folder / doc).write_text(text, encoding="utf-8")
        gold[doc] = (text, spans)
    return gold


def make_tiny_tagger(folder: Path, texts: list[str], model_id: str = "tiny-test", seed: int = 0) -> Path:
    """A randomly initialised 1-layer BERT token classifier with a character tokenizer, saved like a real
    nianbao model (loadable by :meth:`nianbao.infer.tagger.Tagger.load`)."""
    import torch
    from transformers import BertConfig, BertForTokenClassification

    from nianbao.textio import normalize_for_model
    from nianbao.train.tokenizer import char_tokenizer

    torch.manual_seed(seed)
    tokenizer = char_tokenizer(sorted(set("".join(normalize_for_model(t) for t in texts))))
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128, num_labels=len(BIO_TAGS),
                        id2label=dict(enumerate(BIO_TAGS)), label2id={t: i for i, t in enumerate(BIO_TAGS)},
                        pad_token_id=tokenizer.pad_token_id)
    model = BertForTokenClassification(config)
    model.config.nianbao = {"window": 64, "stride": 48, "model_id": model_id}
    model.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    return folder


@pytest.fixture(scope="session")
def ls_server(tmp_path_factory):
    """A fresh Label Studio on 127.0.0.1 (its own data dir, a free port) for the whole test session."""
    venv = Path(os.environ.get("NIANBAO_LABEL_STUDIO_VENV", DEFAULT_VENV)).expanduser()
    t0 = time.perf_counter()
    try:
        ensure_installed(venv)
    except LabelingError as e:
        pytest.skip(f"Label Studio could not be installed, so the server tests cannot run: {e}")
    TIMINGS["install_or_check_s"] = time.perf_counter() - t0
    server = LocalServer(tmp_path_factory.mktemp("label-studio"), port=free_port(), venv=venv)
    t0 = time.perf_counter()
    server.start()
    TIMINGS["server_start_s"] = time.perf_counter() - t0
    yield server
    server.stop()


@pytest.fixture(scope="session")
def ls_client(ls_server) -> LabelStudioClient:
    return LabelStudioClient(ls_server.url, ls_server.api_key)
