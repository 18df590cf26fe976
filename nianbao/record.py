"""Plain dataclasses passed between the post-processor's stages, and the output record of the spec."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["ok", "not_a_report", "error"]
CheckStatus = Literal["pass", "fail", "incomplete"]


@dataclass
class SectionSpan:
    n: int
    start: int
    end: int
    heading: str | None


@dataclass
class DateMention:
    text: str
    start: int
    end: int
    value: str  # YYYY-MM-DD or YYYY-MM


@dataclass
class Check:
    id: str
    status: CheckStatus
    detail: str


@dataclass
class Flag:
    """Something the post-processor could not decide; the cells it concerns are left null."""

    kind: str  # glued_ambiguous, glued_unsolved, missing_values, extra_values, values_without_row, …
    keys: list[str]
    detail: str


@dataclass
class Tables:
    """Rebuilt tables: values and stated units per cell key, plus what could not be decided."""

    cells: dict[str, float | int | None]
    units: dict[str, str] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)
    row_status: dict[str, str] = field(default_factory=dict)  # "block/row" -> how its spans were read


@dataclass
class Record:
    """One output record per input document (see ../shared/spec/README.md)."""

    doc: str
    status: Status = "ok"
    error: str | None = None
    template: str | None = None
    meta: dict[str, Any] = field(default_factory=lambda: {"agency": None, "year": None})
    sections: list[SectionSpan] = field(default_factory=list)
    cells: dict[str, float | int | None] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    dates: list[DateMention] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    # Extra fields (allowed by the spec's "at least"): undecided cells and per-cell confidence.
    flags: list[Flag] = field(default_factory=list)
    cell_confidence: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def failed(cls, doc: str, status: Status, error: str) -> "Record":
        return cls(doc=doc, status=status, error=error)
