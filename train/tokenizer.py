"""A character-level Hugging Face tokenizer: one token per character, whitespace included, exact offsets.

Saved with ``save_pretrained`` and loaded with ``AutoTokenizer.from_pretrained(dir)``. The text it sees
is already normalised by :func:`nianbao.textio.normalize_for_model` (same length as the raw text), so
token ``i`` is character ``i`` of the raw text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from tokenizers import Regex, Tokenizer, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
# Characters every report needs, whether or not the training texts happened to contain them.
BASE_CHARS = "0123456789.+-%/|()（）、，。：；“”\n\t 一二三四五六七八九十〇年月日万元增减"


def char_tokenizer(chars: Iterable[str]) -> PreTrainedTokenizerFast:
    """A tokenizer whose vocabulary is the special tokens followed by ``chars``."""
    vocab = {tok: i for i, tok in enumerate(SPECIAL)}
    for ch in chars:
        vocab.setdefault(ch, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Split(Regex(r"[\s\S]"), behavior="isolated")
    return PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]",
                                   cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]",
                                   model_max_length=10**9)


def build_tokenizer(texts: Iterable[str], min_count: int = 3) -> PreTrainedTokenizerFast:
    """Vocabulary: the base characters plus every character seen at least ``min_count`` times."""
    counts = Counter()
    for t in texts:
        counts.update(t)
    frequent = sorted(ch for ch, c in counts.items() if c >= min_count)
    return char_tokenizer(list(BASE_CHARS) + frequent)
