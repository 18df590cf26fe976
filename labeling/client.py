"""A small client for the Label Studio REST API (the calls label-studio-sdk 2.x wraps), over `requests`.

Why not the SDK itself: label-studio-sdk 2.1.2 pins numpy < 2.3 (through opencv-python-headless) and would
downgrade ours; the dozen endpoints nianbao needs are plain JSON over HTTP.

The URL and API key come from flags or the environment (``LABEL_STUDIO_URL``, ``LABEL_STUDIO_API_KEY``). The
key is never printed or logged: it lives only in the session's headers, and every failure is turned into a
:class:`LabelingError` whose one-line message says what to do and never contains the key.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import requests

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


def _is_jwt(key: str) -> bool:
    # Personal access tokens are JWT refresh tokens (three base64 parts); legacy tokens are 40 hex digits.
    return key.count(".") == 2


class LabelStudioClient:
    """The REST calls nianbao needs. Legacy tokens go as ``Token <key>``; a personal access token (a JWT
    refresh token) is exchanged for a short-lived access token, renewed once when it expires."""

    def __init__(self, url: str, api_key: str, timeout: float = 60.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._key = api_key
        self._session = requests.Session()
        self._session.trust_env = False  # a local server: never route through a proxy from the environment
        self._access: str | None = None

    def __repr__(self) -> str:  # no key in reprs, tracebacks or logs
        return f"LabelStudioClient({self.url!r})"

    # -- transport ----------------------------------------------------------------------------------

    def _auth_header(self, refresh: bool = False) -> str:
        if not _is_jwt(self._key):
            return f"Token {self._key}"
        if self._access is None or refresh:
            data = self._send("POST", "/api/token/refresh", {"json": {"refresh": self._key}}, auth=False)
            self._access = data.get("access") if isinstance(data, dict) else None
            if not self._access:
                raise self._refused()
        return f"Bearer {self._access}"

    def _send(self, method: str, path: str, kwargs: dict, auth: bool = True, retry: bool = True) -> Any:
        headers = {"Authorization": self._auth_header()} if auth else {}
        try:
            r = self._session.request(method, self.url + path, headers=headers, timeout=self.timeout, **kwargs)
        except requests.exceptions.Timeout:
            raise LabelingError(f"Label Studio at {self.url} did not answer within {self.timeout:.0f} s: "
                                f"check that the server is running and not overloaded") from None
        except requests.exceptions.RequestException:
            raise LabelingError(f"cannot reach Label Studio at {self.url}: {SERVER_HINT}") from None
        if r.status_code == 401 and auth and retry and _is_jwt(self._key):
            self._auth_header(refresh=True)  # the access token expired: renew it once
            return self._send(method, path, kwargs, auth, retry=False)
        if r.status_code in (401, 403):
            raise self._refused()
        if r.status_code >= 400:
            raise LabelingError(f"Label Studio {method} {path} failed with HTTP {r.status_code}: {_detail(r)}")
        if r.status_code == 204 or not r.content:
            return None
        try:
            return r.json()
        except ValueError:
            raise LabelingError(f"{self.url} does not look like a Label Studio server (no JSON from {path}): "
                                f"check --url / {URL_ENV}") from None

    def _refused(self) -> LabelingError:
        return LabelingError(f"Label Studio at {self.url} refused the API key: set {KEY_ENV} (or --api-key) to "
                             f"the token of an account on that server (Account & Settings → Access Token)")

    def get(self, path: str, **params: Any) -> Any:
        return self._send("GET", path, {"params": params})

    def post(self, path: str, body: Any) -> Any:
        return self._send("POST", path, {"json": body})

    def patch(self, path: str, body: Any) -> Any:
        return self._send("PATCH", path, {"json": body})

    # -- endpoints ----------------------------------------------------------------------------------

    def whoami(self) -> dict:
        return self.get("/api/current-user/whoami")

    def projects(self, title: str | None = None) -> list[dict]:
        out, page = [], 1
        while True:
            params = {"page": page, "page_size": 100, **({"title": title} if title else {})}
            data = self.get("/api/projects", **params)
            out += data["results"]
            if not data.get("next"):
                return out
            page += 1

    def create_project(self, **fields: Any) -> dict:
        return self.post("/api/projects", fields)

    def update_project(self, project_id: int, **fields: Any) -> dict:
        return self.patch(f"/api/projects/{project_id}", fields)

    def import_tasks(self, project_id: int, tasks: list[dict]) -> dict:
        """Tasks in Label Studio JSON (``data`` and optional ``predictions``/``annotations``)."""
        return self.post(f"/api/projects/{project_id}/import", tasks)

    def tasks(self, project_id: int, page_size: int = 200) -> Iterator[dict]:
        """Every task of a project (data included), oldest first."""
        page = 1
        while True:
            data = self.get("/api/tasks", project=project_id, page=page, page_size=page_size)
            yield from data["tasks"]
            if page * page_size >= data["total"]:
                return
            page += 1

    def predictions(self, task_id: int) -> list[dict]:
        return self.get("/api/predictions", task=task_id)

    def create_prediction(self, task_id: int, result: list[dict], score: float | None = None,
                          model_version: str | None = None) -> dict:
        return self.post("/api/predictions", {"task": task_id, "result": result, "score": score,
                                              "model_version": model_version})

    def create_annotation(self, task_id: int, result: list[dict], **fields: Any) -> dict:
        return self.post(f"/api/tasks/{task_id}/annotations", {"result": result, **fields})

    def export(self, project_id: int) -> list[dict]:
        """Tasks with their annotations (Label Studio JSON export; each annotation carries the prediction it
        started from, if any)."""
        return self.get(f"/api/projects/{project_id}/export", exportType="JSON")

    def user_email(self, user_id: int) -> str:
        return self.get(f"/api/users/{user_id}").get("email") or str(user_id)


def _detail(r: requests.Response) -> str:
    """The server's short explanation of an error, on one line."""
    try:
        body = r.json()
    except ValueError:
        return r.reason or "no detail"
    if isinstance(body, dict):
        detail = body.get("validation_errors") or body.get("detail") or body
    else:
        detail = body
    return " ".join(str(detail).split())[:300]
