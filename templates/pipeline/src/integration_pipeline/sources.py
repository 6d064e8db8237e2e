"""The HTTP source (paged GET of JSON records) and the backlog behind the queue-depth gauge.

The HTTP source streams: it fetches one page, yields its records one by one, and asks
for the next page only when the pipeline has finished the last record of this one, so
memory holds one page however long the source is. Every page request goes through its
own retry executor (the design's retry table, as for loads) around a circuit breaker
named ``source``, separate from the target's: a failing source must not open the
target's circuit, nor the other way round.

Paging (``source.paging.style``):

* ``none``: one request, the whole answer;
* ``next_link``: the body holds the next page's URL at ``next_path`` (relative URLs are
  resolved against the current one), or the server sends ``Link: <...>; rel="next"``;
* ``cursor``: the body holds a cursor at ``cursor_path``; it is sent back as
  ``cursor_param``; an empty or missing cursor ends the walk;
* ``page``: ``page_param`` counts up from ``first_page``; an empty page ends the walk,
  and so does a short one when ``size_param`` asks for ``size`` records a page.

The records of a page are at ``records_path`` in the body (``data``, ``result.items``),
or the body itself is the list.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urljoin

import httpx

from .breaker import CircuitBreaker
from .config import Source
from .errors import PipelineError, classify_status
from .http_auth import HttpAuth
from .mapping import SourcePath
from .retry import RetryExecutor

SOURCE_SECRETS_PREFIX = "SOURCE_"


class Backlog:
    """Records read but not yet finished: the ``pipeline_queue_depth`` gauge.

    What "read" means depends on the source: for a file, the chunk (or the record) being
    processed, counted by ``Pipeline.process_all``; for an HTTP source, what is left of
    the fetched page plus that chunk; for the webhook, records accepted (answered 202) and not yet
    finished. The gauge reads this object at scrape time.
    """

    def __init__(self, gauge: Any | None = None) -> None:
        self._count = 0
        self._lock = threading.Lock()
        if gauge is not None:
            gauge.set_function(self.value)

    def add(self, count: int) -> None:
        with self._lock:
            self._count = max(0, self._count + count)

    def value(self) -> float:
        return float(self._count)

    def track(self, records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Count each record from when it is handed out until the next one is asked for."""
        for record in records:
            self.add(1)
            try:
                yield record
            finally:
                self.add(-1)


def _link_next(header: str | None) -> str | None:
    """The URL of ``rel="next"`` in an RFC 8288 Link header."""
    for part in (header or "").split(","):
        if "rel=" not in part:
            continue
        url, _, params = part.partition(";")
        if any(p.strip().replace('"', "") == "rel=next" for p in params.split(";")):
            return url.strip().strip("<>")
    return None


class HttpSource:
    """Paged GET of JSON records; see the module docstring."""

    def __init__(
        self,
        source: Source,
        *,
        executor: RetryExecutor,
        breaker: CircuitBreaker,
        backlog: Backlog | None = None,
        client: httpx.Client | None = None,
        on_page: Callable[[str, int], None] | None = None,
    ) -> None:
        if not source.url:
            raise PipelineError("permanent", "source.url is required for an http source")
        self.source = source
        self.executor = executor
        self.breaker = breaker
        self.backlog = backlog or Backlog()
        self.auth = HttpAuth(
            source.auth, prefix=SOURCE_SECRETS_PREFIX, api_key_header=source.api_key_header
        )
        self._own_client = client is None
        self.client = client or httpx.Client(cert=self.auth.cert())
        self.on_page = on_page
        self.records_path = SourcePath(source.records_path) if source.records_path else None
        self.run_id = str(uuid.uuid4())
        self.pages = 0

    def _get(self, url: str, params: dict[str, Any], timeout: float) -> httpx.Response:
        headers = {"Accept": "application/json", "X-Correlation-ID": self.run_id}
        headers.update(self.auth.headers(self.client))
        # params=None keeps a next link's own query string (an empty dict would drop it)
        response = self.client.get(url, params=params or None, headers=headers, timeout=timeout)
        self.auth.rejected(response.status_code)
        if response.status_code >= 400:
            raise classify_status(response.status_code, response.headers.get("Retry-After"))
        return response

    def _page(self, url: str, params: dict[str, Any]) -> tuple[Any, httpx.Response]:
        response = self.executor.call(
            lambda timeout: self.breaker.call(
                lambda: self._get(url, params, min(timeout, self.source.timeout_seconds))
            )
        )
        try:
            body = response.json()
        except ValueError:
            raise PipelineError("permanent", f"page {self.pages + 1} is not JSON") from None
        return body, response

    def _items(self, body: Any) -> list[Any]:
        items = self.records_path.get(body) if self.records_path is not None else body
        if items is None:
            return []
        if isinstance(items, dict):  # a single record
            return [items]
        if not isinstance(items, list):
            where = self.source.records_path or "the body"
            raise PipelineError("permanent", f"page {self.pages}: {where} is not a list")
        return items

    def records(self) -> Iterator[dict[str, Any]]:
        paging = self.source.paging
        url: str = self.source.url or ""
        params: dict[str, Any] = {}
        if paging.style == "page":
            params[paging.page_param] = paging.first_page
        if paging.size_param:
            params[paging.size_param] = paging.size
        try:
            while self.pages < paging.max_pages:
                body, response = self._page(url, params)
                self.pages += 1
                items = self._items(body)
                if self.on_page is not None:
                    self.on_page(str(response.url), len(items))
                self.backlog.add(len(items))
                left = len(items)
                try:
                    for position, item in enumerate(items):
                        try:
                            yield (
                                item
                                if isinstance(item, dict)
                                else {"_raw": item, "_line": position}
                            )
                        finally:
                            left -= 1
                            self.backlog.add(-1)
                finally:
                    self.backlog.add(-left)  # the run stopped mid-page: what was not handed out
                if paging.style == "none":
                    return
                if paging.style == "next_link":
                    following = (
                        SourcePath(paging.next_path).get(body) if isinstance(body, dict) else None
                    )
                    following = following or _link_next(response.headers.get("Link"))
                    if not following:
                        return
                    following = urljoin(str(response.url), str(following))
                    if following == str(response.url):
                        raise PipelineError("permanent", f"page {self.pages} links to itself")
                    url, params = following, {}
                elif paging.style == "cursor":
                    cursor = (
                        SourcePath(paging.cursor_path).get(body) if isinstance(body, dict) else None
                    )
                    if cursor in (None, ""):
                        return
                    if params.get(paging.cursor_param) == cursor:
                        raise PipelineError("permanent", f"page {self.pages} repeats its cursor")
                    params = {**params, paging.cursor_param: cursor}
                else:  # page
                    if not items or (paging.size_param and len(items) < paging.size):
                        return
                    params = {**params, paging.page_param: int(params[paging.page_param]) + 1}
            raise PipelineError(
                "permanent", f"stopped after source.paging.max_pages={paging.max_pages} pages"
            )
        finally:
            if self._own_client:
                self.client.close()
