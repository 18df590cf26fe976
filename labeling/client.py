"""Label Studio through label-studio-sdk 2.0.x (``label_studio_sdk.LabelStudio``), with errors for people.

:class:`LabelStudioClient` holds one SDK client (:attr:`LabelStudioClient.sdk`) and exposes the dozen calls
nianbao needs, returning the server's objects as plain dicts. The SDK is pinned to 2.0.17–2.0.19: from 2.0.20
on it pins opencv-python-headless < 4.13, which pins numpy < 2.3 and would downgrade ours.

- The URL and API key come from flags or the environment (``LABEL_STUDIO_URL``, ``LABEL_STUDIO_API_KEY``).
- The SDK's HTTP client is an ``httpx.Client(trust_env=False)``: a local server is never reached through a
  proxy from the environment.
- Both kinds of key work, told apart by the SDK: a legacy token (40 hex digits) goes as ``Token <key>``; a
  personal access token (a JWT refresh token) is exchanged at ``/api/token/refresh/`` for a short-lived
  access token, renewed by the SDK before it expires.
- The key is never printed or logged and is in no repr. Every failure of a call (the SDK's ``ApiError``, an
  ``httpx`` error) becomes a :class:`LabelingError` whose one-line message says what to do; it is raised
  outside the handler, so it carries neither cause nor context (no request, headers or key in a traceback).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import httpx
from label_studio_sdk.core.api_error import ApiError
from pydantic_core import to_jsonable_python

if TYPE_CHECKING:
    from label_studio_sdk import LabelStudio

DEFAULT_URL = "http://127.0.0.1:8080"
URL_ENV, KEY_ENV = "LABEL_STUDIO_URL", "LABEL_STUDIO_API_KEY"
SERVER_HINT = "start one with `nianbao label server`, or point --url / LABEL_STUDIO_URL at a running server"


class LabelingError(Exception):
    """A failure talking to Label Studio (or in a labeling step); the message is one line for the user."""


def connect(url: str | None = None, api_key: str | None = None, timeout: float = 60.0) -> "LabelStudioClient":
    """A client from flags, falling back to the environment; checks that the server answers and takes the key."""
    url = url or os.environ.get(URL_ENV) or DEFAULT_URL
    api_key = api_key or os.environ.get(KEY_ENV)
    if not api_key:
        raise LabelingError(f"no Label Studio API key: set {KEY_ENV} (or pass --api-key) to the token of your "
                            f"Label Studio account (Account & Settings → Access Token)")
    client = LabelStudioClient(url, api_key, timeout=timeout)
    client.whoami()
    return client


class LabelStudioClient:
    """The Label Studio calls nianbao needs, each one call of the SDK client :attr:`sdk`."""

    def __init__(self, url: str, api_key: str, timeout: float = 60.0) -> None:
        # Imported here: the SDK client takes ~0.8 s to import, and every `nianbao` command loads this module.
        from label_studio_sdk import LabelStudio

        self.url = url.rstrip("/")
        self.timeout = timeout
        self._key = api_key  # only to keep it out of error messages
        http = httpx.Client(timeout=timeout, trust_env=False, follow_redirects=True)
        # The trailing slash keeps a path prefix (https://host/label-studio/) in the SDK's token refresh URL,
        # which it builds with urljoin; its other calls strip the slash.
        self.sdk: LabelStudio = self._call("connect", LabelStudio, base_url=self.url + "/", api_key=api_key,
                                           httpx_client=http)

    def __repr__(self) -> str:  # no key in reprs, tracebacks or logs
        return f"LabelStudioClient({self.url!r})"

    # -- calls --------------------------------------------------------------------------------------

    def whoami(self) -> dict:
        return _plain(self._call("read the current user", self.sdk.users.whoami))

    def projects(self, title: str | None = None) -> list[dict]:
        """Every project (the server's ``title`` filter matches substrings, case-insensitively)."""
        return self._all("list projects", lambda: self.sdk.projects.list(title=title, page_size=100))

    def create_project(self, **fields: Any) -> dict:
        return _plain(self._call("create the project", self.sdk.projects.create, **fields))

    def update_project(self, project_id: int, **fields: Any) -> dict:
        return _plain(self._call(f"update project {project_id}", self.sdk.projects.update, project_id, **fields))

    def import_tasks(self, project_id: int, tasks: list[dict]) -> dict:
        """Tasks in Label Studio JSON (``data`` and optional ``predictions``/``annotations``)."""
        return _plain(self._call(f"import tasks into project {project_id}", self.sdk.projects.import_tasks,
                                 project_id, request=tasks))

    def tasks(self, project_id: int, page_size: int = 200) -> Iterator[dict]:
        """Every task of a project (data included, annotations and predictions not), oldest first."""
        return iter(self._all(f"list the tasks of project {project_id}", lambda: self.sdk.tasks.list(
            project=project_id, page_size=page_size, fields="task_only")))

    def predictions(self, task_id: int) -> list[dict]:
        return _plain(self._call(f"list the predictions of task {task_id}", self.sdk.predictions.list,
                                 task=task_id))

    def create_annotation(self, task_id: int, result: list[dict], *, lead_time: float | None = None,
                          parent_prediction: int | None = None) -> dict:
        """An annotation saved as an annotator would (``parent_prediction``: the prediction it started from;
        the SDK has no parameter for it, so it goes as an extra body field)."""
        extra = {} if parent_prediction is None else {"parent_prediction": parent_prediction}
        kwargs = {} if lead_time is None else {"lead_time": lead_time}
        return _plain(self._call(f"annotate task {task_id}", self.sdk.annotations.create, task_id, result=result,
                                 request_options={"additional_body_parameters": extra}, **kwargs))

    def export(self, project_id: int) -> list[dict]:
        """Annotated tasks with their annotations (the JSON export; each annotation carries the prediction it
        started from, if any)."""
        def download() -> bytes:
            return b"".join(self.sdk.projects.exports.download_sync(project_id, export_type="JSON"))

        return self._call(f"export project {project_id}", lambda: json.loads(download()))

    def user_email(self, user_id: int) -> str:
        return _plain(self._call(f"read user {user_id}", self.sdk.users.get, user_id)).get("email") or str(user_id)

    # -- errors -------------------------------------------------------------------------------------

    def _all(self, what: str, first_page: Callable[[], Any]) -> list[dict]:
        """Every item of a paginated SDK list (later pages are fetched while iterating)."""
        return [_plain(item) for item in self._call(what, lambda: list(first_page()))]

    def _call(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``fn(*args, **kwargs)`` with the SDK's and httpx's failures turned into a LabelingError."""
        try:
            return fn(*args, **kwargs)
        except (ApiError, httpx.HTTPError, httpx.InvalidURL, json.JSONDecodeError) as e:
            error = self._error(e, what)
        # Raised here, after the handler: no __context__ linking it to the request (and its headers).
        raise error

    def _error(self, e: Exception, what: str) -> LabelingError:
        url = self.url
        if isinstance(e, httpx.TimeoutException):
            msg = (f"Label Studio at {url} did not answer within {self.timeout:.0f} s: check that the server is "
                   f"running and not overloaded")
        elif isinstance(e, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
            msg = f"{url!r} is not a Label Studio URL: give --url / {URL_ENV} as http://host:port"
        elif isinstance(e, httpx.HTTPError):  # refused, reset, no such host, broken answer
            msg = f"cannot reach Label Studio at {url}: {SERVER_HINT}"
        elif isinstance(e, json.JSONDecodeError) or (isinstance(e, ApiError) and isinstance(e.body, str)
                                                     and (e.status_code or 0) < 500):
            msg = (f"{url} does not look like a Label Studio server (no JSON answer when trying to {what}): "
                   f"check --url / {URL_ENV}")
        elif e.status_code in (401, 403):
            expired = "has expired" in str(e.body)  # the SDK's own check of a JWT's expiry
            msg = (f"Label Studio at {url} refused the API key{' (it has expired)' if expired else ''}: set "
                   f"{KEY_ENV} (or --api-key) to the token of an account on that server (Account & Settings → "
                   f"Access Token)")
        else:
            msg = f"Label Studio could not {what} (HTTP {e.status_code}): {_detail(e.body)}"
        return LabelingError(msg.replace(self._key, "***") if self._key else msg)


def _plain(value: Any) -> Any:
    """The SDK's pydantic objects as the JSON the server sent (dicts, lists, strings). The SDK builds them
    unvalidated and some of its field types are not what Label Studio 1.23 sends (counts typed ``str`` arrive
    as ints): the values are kept as sent, without pydantic's warnings about it."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "model_dump"):
        # Python mode: the SDK's JSON-mode serializer dumps again, with the warnings on.
        return to_jsonable_python(value.model_dump(by_alias=True, exclude_unset=True, warnings=False))
    return value


def _detail(body: Any) -> str:
    """The server's short explanation of an error, on one line."""
    if isinstance(body, dict):
        body = body.get("validation_errors") or body.get("detail") or body
    return " ".join(str(body).split())[:300] or "no detail"
