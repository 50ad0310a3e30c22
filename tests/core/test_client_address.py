"""The client's address from the connection and X-Forwarded-For (core/client_address.py)."""

import pytest

from core.client_address import client_address, derive, parse_networks

LOOPBACK = parse_networks(("127.0.0.1", "::1"))
TWO_TIERS = parse_networks(("127.0.0.1", "10.0.0.0/24"))


@pytest.mark.parametrize(
    ("remote", "forwarded", "networks", "expected"),
    [
        # No proxy configured: the connection is the client, whatever the header says.
        ("192.0.2.1", "198.51.100.1", (), "192.0.2.1"),
        # A client that is not a trusted proxy cannot name another address.
        ("192.0.2.1", "127.0.0.1", LOOPBACK, "192.0.2.1"),
        # The reference nginx: it sets the header to the address it was reached from.
        ("127.0.0.1", "203.0.113.5", LOOPBACK, "203.0.113.5"),
        # Whatever a client wrote is left of what the proxies added, and is never reached.
        ("127.0.0.1", "6.6.6.6, 203.0.113.5", LOOPBACK, "203.0.113.5"),
        # A load balancer, then this node's nginx: both skipped.
        ("127.0.0.1", "6.6.6.6, 203.0.113.5, 10.0.0.5", TWO_TIERS, "203.0.113.5"),
        # Nothing but proxies: the farthest one is all that is known.
        ("127.0.0.1", "10.0.0.5", TWO_TIERS, "10.0.0.5"),
        ("127.0.0.1", "", LOOPBACK, "127.0.0.1"),
        # Malformed hops end the walk at the nearest trusted proxy.
        ("127.0.0.1", "not-an-ip", LOOPBACK, "127.0.0.1"),
        ("127.0.0.1", "1.2.3.4:5678", LOOPBACK, "127.0.0.1"),
        ("127.0.0.1", "203.0.113.5, ,10.0.0.5", TWO_TIERS, "10.0.0.5"),
        ("127.0.0.1", "fe80::1%eth0", LOOPBACK, "127.0.0.1"),
        ("127.0.0.1", "1" * 5000, LOOPBACK, "127.0.0.1"),
        ("127.0.0.1", "1" * 5000 + ",203.0.113.5", LOOPBACK, "203.0.113.5"),
        # IPv6, and IPv4 as a dual-stack socket reports it.
        ("::1", "2001:db8::7", LOOPBACK, "2001:db8::7"),
        ("::ffff:192.0.2.1", "", LOOPBACK, "192.0.2.1"),
        # No readable peer: a unix socket (only a local proxy can reach it) or nonsense.
        ("", "203.0.113.5", LOOPBACK, "203.0.113.5"),
        ("", "203.0.113.5", (), "0.0.0.0"),
        ("garbage", "203.0.113.5", LOOPBACK, "0.0.0.0"),
    ],
)
def test_derive(remote, forwarded, networks, expected):
    assert derive(remote, forwarded, networks) == expected


def test_worked_out_once_per_request(rf, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_address(request) == "203.0.113.5"
    request.META["HTTP_X_FORWARDED_FOR"] = "198.51.100.1"
    assert client_address(request) == "203.0.113.5"


def test_axes_uses_the_same_address(rf, settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert get_client_ip_address(request) == "203.0.113.5"


def test_development_trusts_no_proxy(settings):
    assert settings.TRUSTED_PROXIES == []
