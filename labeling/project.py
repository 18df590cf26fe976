"""`nianbao label setup`: create, or reuse by title, the Label Studio project of the span scheme.

Idempotent: run it again and the same project comes back; if the scheme changed since (a label added, a
hotkey moved), the project's labeling config is brought up to date.
"""

from __future__ import annotations

from dataclasses import dataclass

from .client import LabelingError, LabelStudioClient
from .config import label_config

DEFAULT_TITLE = "nianbao spans"

# Project settings that make the open-source edition do what an active-learning round needs:
# show the model's pre-annotations to annotators, and hand out tasks in import order (push imports the
# least confident documents first).
PROJECT_SETTINGS = {
    "show_collab_predictions": True,
    "sampling": "Sequential sampling",
    "description": "Spans of 政府信息公开工作年度报告 for nianbao's tagger (see data/README.md of nianbao). "
                   "Tasks come least-confident first; correct the pre-annotations.",
}


@dataclass
class SetupResult:
    project_id: int
    title: str
    created: bool
    config_updated: bool


def find_project(client: LabelStudioClient, title: str) -> dict | None:
    """The project with exactly this title (the API's title filter matches substrings)."""
    matches = [p for p in client.projects(title=title) if p.get("title") == title]
    if len(matches) > 1:
        ids = ", ".join(str(p["id"]) for p in matches)
        raise LabelingError(f"several Label Studio projects are titled {title!r} (ids {ids}): rename all but "
                            f"one, or pass another --project")
    return matches[0] if matches else None


def require_project(client: LabelStudioClient, title: str) -> int:
    """The id of an existing project (push and pull never create one)."""
    project = find_project(client, title)
    if project is None:
        raise LabelingError(f"no Label Studio project titled {title!r}: run `nianbao label setup` first")
    return project["id"]


def setup(client: LabelStudioClient, title: str = DEFAULT_TITLE) -> SetupResult:
    config = label_config()
    project = find_project(client, title)
    if project is None:
        created = client.create_project(title=title, label_config=config, **PROJECT_SETTINGS)
        return SetupResult(created["id"], title, created=True, config_updated=False)
    stale = _normalise(project.get("label_config", "")) != _normalise(config)
    if stale:
        # Label Studio refuses a config that drops a label still used by annotations: say so clearly.
        try:
            client.update_project(project["id"], label_config=config)
        except LabelingError as e:
            raise LabelingError(f"project {title!r} has an older labeling config that could not be updated "
                                f"({e})") from None
    return SetupResult(project["id"], title, created=False, config_updated=stale)


def _normalise(xml: str) -> str:
    return "".join(xml.split())
