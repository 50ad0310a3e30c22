from urllib.parse import urlsplit


def record_external_requests(page, server_url):
    """Record (and block) every request `page` makes to a host other than `server_url`'s.

    For pages of browser contexts a test makes itself; the `external_requests` fixture does
    this for pytest-playwright's `page`.
    """
    own = urlsplit(server_url).netloc
    seen = []

    def record(request):
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.netloc != own:
            seen.append(request.url)

    page.on("request", record)
    # Nothing outside this machine is reachable; fail fast rather than wait for a timeout.
    page.route(
        lambda url: (
            urlsplit(url).netloc not in {own, ""} and urlsplit(url).scheme in {"http", "https"}
        ),
        lambda route: route.abort(),
    )
    return seen
