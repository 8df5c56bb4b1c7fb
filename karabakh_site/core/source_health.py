"""Link health of sources: is each source URL still there?

Checks run concurrently on one asyncio loop (httpx), at most ``concurrency`` at a time, each with a
timeout, following redirects. Only http and https URLs are fetched. The network part touches no
database; record_results() writes what it found, making a history record only when a source's
status actually changes, so a nightly run does not bury editors' changes in noise.
"""

import asyncio
import concurrent.futures
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.utils import timezone

from . import changes
from .models import Source

USER_AGENT = "KarabakhArchive-LinkChecker/1.0 (+https://karabakh-archive.example/sources/)"
CHECKED_SCHEMES = {"http", "https"}
# Answers that mean "try later", not "gone".
TEMPORARY_STATUSES = {408, 425, 429, 502, 503, 504}
# Servers that refuse HEAD often serve GET; a 4xx to HEAD is re-asked with GET before judging.
MAX_REDIRECTS = 5


@dataclass
class CheckResult:
    source_id: int
    url: str
    status: str  # Source.UrlStatus value, or "" when the URL was not checked
    detail: str
    final_url: str = ""
    # Whether a server answered (any HTTP status, or a redirect loop). Without an answer (no
    # network, DNS failure, timeout) the check says nothing about the page or when it was seen.
    answered: bool = False

    @property
    def redirected(self) -> bool:
        return bool(self.final_url) and self.final_url != self.url


def is_checkable(url: str) -> bool:
    return urlsplit(url).scheme.lower() in CHECKED_SCHEMES


def _judge(response: httpx.Response) -> tuple[str, str]:
    code = response.status_code
    if code < 400:
        return Source.UrlStatus.LIVE, f"HTTP {code}"
    if code in TEMPORARY_STATUSES:
        return Source.UrlStatus.UNKNOWN, f"HTTP {code}, try again later"
    return Source.UrlStatus.DEAD, f"HTTP {code}"


async def _fetch(client: httpx.AsyncClient, url: str) -> httpx.Response:
    response = await client.head(url)
    if 400 <= response.status_code < 500 and response.status_code not in TEMPORARY_STATUSES:
        # Only the headers are needed; the body is never read.
        async with client.stream("GET", url) as streamed:
            return streamed
    return response


async def _check_one(client, semaphore, source_id: int, url: str) -> CheckResult:
    if not is_checkable(url):
        scheme = urlsplit(url).scheme or "no scheme"
        return CheckResult(source_id, url, "", f"not checked: {scheme} URL")
    async with semaphore:
        try:
            response = await _fetch(client, url)
        except httpx.TimeoutException:
            return CheckResult(source_id, url, Source.UrlStatus.UNKNOWN, "timed out")
        except httpx.TooManyRedirects:
            return CheckResult(
                source_id, url, Source.UrlStatus.DEAD, "too many redirects", answered=True
            )
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            # No answer from the server (DNS failure, refused or dropped connection, broken TLS)
            # says nothing about the page: a machine without network must not mark every source
            # dead. Only the server's own answer (404, 410 …) or a redirect loop is definitive.
            reason = type(error).__name__
            return CheckResult(source_id, url, Source.UrlStatus.UNKNOWN, f"unreachable ({reason})")
    status, detail = _judge(response)
    return CheckResult(source_id, url, status, detail, final_url=str(response.url), answered=True)


def network_looks_down(results: Iterable[CheckResult]) -> bool:
    """Whether every URL that was fetched went unanswered: then the fault is most likely this
    machine's network, not the sources."""
    fetched = [result for result in results if result.status]
    return bool(fetched) and not any(result.answered for result in fetched)


def check_urls(
    targets: Iterable[tuple[int, str]],
    *,
    concurrency: int = 10,
    timeout: float = 10.0,
    on_result: Callable[[CheckResult], None] = lambda result: None,
) -> list[CheckResult]:
    """Check each (source id, URL); results in the order given."""
    targets = list(targets)

    async def run():
        semaphore = asyncio.Semaphore(concurrency)
        limits = httpx.Limits(max_connections=concurrency)
        async with httpx.AsyncClient(
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            timeout=httpx.Timeout(timeout),
            limits=limits,
            headers={"User-Agent": USER_AGENT},
        ) as client:

            async def one(source_id, url):
                result = await _check_one(client, semaphore, source_id, url)
                on_result(result)
                return result

            return await asyncio.gather(*(one(pk, url) for pk, url in targets))

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # no loop in this thread: the usual case (commands, WSGI workers)
        return asyncio.run(run())
    # Called where an event loop already runs in this thread (an ASGI server, a test driving a
    # browser), which asyncio.run() refuses: the checks get a thread and a loop of their own.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run()).result()


def record_results(results: Iterable[CheckResult]) -> int:
    """Store each answered source's status and check time; returns how many statuses changed.
    A source no server answered for keeps its status and its "last checked" time, so a run
    without network neither marks sources unknown nor empties the "never checked" filter."""
    now = timezone.now()
    checked = {result.source_id: result for result in results if result.status and result.answered}
    changed = 0
    # The API shows last_checked_at, and update() sends no signals: tell the content clock.
    with changes.recording():
        for source in Source.objects.filter(pk__in=checked):
            result = checked[source.pk]
            if source.url_status != result.status:
                source.url_status = result.status
                source.last_checked_at = now
                source._change_reason = f"check_sources: {result.detail}"[:100]
                source.save(update_fields=["url_status", "last_checked_at", "updated_at"])
                changed += 1
            else:
                Source.objects.filter(pk=source.pk).update(last_checked_at=now)
    return changed
