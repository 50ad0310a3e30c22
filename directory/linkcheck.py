"""Checking the associations' websites: status, final address after redirects, when.

The network work runs in a thread pool with a timeout per request and an overall deadline;
results are written from the calling thread only, so any database backend copes.
"""

import ssl
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

USER_AGENT = "InternationalAssociationsPortal-LinkCheck/1.0"
MAX_BODY_BYTES = 1024


@dataclass(frozen=True)
class LinkResult:
    url: str
    status: int | None
    final_url: str = ""
    error: str = ""

    @property
    def is_broken(self):
        return self.status is None or self.status >= 400


def check_url(url, timeout):
    """GET `url` following redirects (many servers answer HEAD wrongly)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read(MAX_BODY_BYTES)
            final_url = response.geturl()
            return LinkResult(url, response.status, "" if final_url == url else final_url)
    except urllib.error.HTTPError as error:
        final_url = error.geturl() or url
        return LinkResult(url, error.code, "" if final_url == url else final_url)
    except TimeoutError:
        return LinkResult(url, None, error="timeout")
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            return LinkResult(url, None, error="timeout")
        if isinstance(reason, ssl.SSLError):
            return LinkResult(url, None, error=f"TLS: {reason}"[:200])
        return LinkResult(url, None, error=str(reason)[:200])
    except (OSError, ValueError) as error:
        return LinkResult(url, None, error=str(error)[:200] or type(error).__name__)


def check_urls(urls, *, timeout=None, workers=None, deadline=None):
    """{url: LinkResult} for each distinct URL; those unfinished by `deadline` time out."""
    timeout = settings.LINKCHECK_TIMEOUT if timeout is None else timeout
    workers = settings.LINKCHECK_WORKERS if workers is None else workers
    distinct = list(dict.fromkeys(urls))
    if not distinct:
        return {}
    executor = ThreadPoolExecutor(max_workers=max(1, min(workers, len(distinct))))
    try:
        futures = {executor.submit(check_url, url, timeout): url for url in distinct}
        done, _pending = wait(futures, timeout=deadline)
        results = {}
        for future, url in futures.items():
            if future in done:
                results[url] = future.result()
            else:
                results[url] = LinkResult(url, None, error="timeout")
        return results
    finally:
        # Slow servers past the deadline are abandoned, not waited for.
        executor.shutdown(wait=False, cancel_futures=True)


def check_associations(associations, **options):
    """Check every association's website and record the outcome; returns {pk: LinkResult}."""
    associations = [association for association in associations if association.website]
    results = check_urls([association.website for association in associations], **options)
    checked_at = timezone.now()
    outcome = {}
    for association in associations:
        result = results[association.website]
        # update(), not save(): a link check is not an edit and stays out of the history.
        type(association).objects.filter(pk=association.pk).update(
            website_status=result.status,
            website_final_url=result.final_url[:500],
            website_error=result.error,
            website_checked_at=checked_at,
        )
        outcome[association.pk] = result
    return outcome
