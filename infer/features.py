"""Optional tagger input feature: pkuseg word boundaries as one id per character (the pkuseg ablation).

Ids (fed to the model as ``token_type_ids``): 0 whitespace / not in a word, 1 begin, 2 middle, 3 end,
4 single-character word. pkuseg is optional: ``pip install --no-build-isolation pkuseg==0.0.25`` (numpy
and cython present); only models trained with ``model.word_features: true`` need it.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _segmenter():
    try:
        import pkuseg
    except ImportError as e:  # pragma: no cover - depends on the optional install
        raise RuntimeError("this model uses pkuseg word features: pip install --no-build-isolation "
                           "pkuseg==0.0.25 (with numpy and cython installed)") from e
    return pkuseg.pkuseg()


def word_boundary_ids(text: str) -> list[int]:
    """One id per character of ``text`` from pkuseg's segmentation (words located back in the text)."""
    ids = [0] * len(text)
    pos = 0
    for word in _segmenter().cut(text):
        at = text.find(word, pos)
        if at < 0:
            continue
        if len(word) == 1:
            ids[at] = 4
        else:
            ids[at] = 1
            for i in range(at + 1, at + len(word) - 1):
                ids[i] = 2
            ids[at + len(word) - 1] = 3
        pos = at + len(word)
    return ids
