"""The Label Studio labeling config, generated from the span scheme (:data:`nianbao.spans.LABELS`).

One ``Label`` per span type with its hotkey, a distinct colour and its one-line meaning as the hover hint.
The text is shown with whitespace preserved (``white-space: pre-wrap``): the layout of a flattened table —
line breaks, runs of spaces, tabs — is what tells an annotator where one cell ends and the next begins.
The control and object names are the ones span files use (``label`` → ``text``).
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from nianbao.spans import FROM_NAME, HOTKEYS, LABELS, TO_NAME

# Distinct, readable colours (from Sasha Trubetskoy's 20 distinct colours), in the order of LABELS.
PALETTE = ["#e6194B", "#f58231", "#4363d8", "#3cb44b", "#ffe119", "#911eb4", "#42d4f4", "#f032e6",
           "#bfef45", "#469990", "#9A6324", "#800000"]


def label_colours() -> dict[str, str]:
    if len(LABELS) > len(PALETTE):
        raise ValueError(f"{len(LABELS)} labels but only {len(PALETTE)} colours: extend PALETTE")
    return dict(zip(LABELS, PALETTE))


def label_config() -> str:
    """The labeling config XML for a nianbao span project."""
    missing = set(LABELS) - set(HOTKEYS)
    if missing:
        raise ValueError(f"labels without a hotkey: {sorted(missing)}")
    colours = label_colours()
    labels = "\n".join(
        f"    <Label value={quoteattr(name)} background={quoteattr(colours[name])} "
        f"hotkey={quoteattr(HOTKEYS[name])} hint={quoteattr(hint)}/>"
        for name, hint in LABELS.items())
    return (
        "<View>\n"
        "  <Style>.htx-text{ white-space: pre-wrap; }</Style>\n"
        '  <Header value="$doc"/>\n'
        f'  <Labels name="{FROM_NAME}" toName="{TO_NAME}" showInline="true">\n'
        f"{labels}\n"
        "  </Labels>\n"
        f'  <Text name="{TO_NAME}" value="$text" granularity="symbol"/>\n'
        "</View>\n"
    )
