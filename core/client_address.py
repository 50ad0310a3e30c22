"""Who sent this request: the client's address, derived once per request from one setting.

`TRUSTED_PROXIES` lists the addresses (or networks) of the proxies in front of the portal:
the reference nginx, and a load balancer in front of it if there is one. The address a request
came from (`REMOTE_ADDR`) is the client unless it is one of them; then `X-Forwarded-For` is
read from the right, each trusted hop skipped, and the first hop that is not a trusted proxy
is the client. A client can write anything into the header, but only to the left of what the
trusted proxies added, so nothing it writes is ever reached. A hop that is not an IP address
(`not-an-ip`, `1.2.3.4:5678`, an empty entry) ends the walk: the client is then the nearest
trusted proxy that passed it on, which is all that is known for sure.

The enquiry rate limits, django-axes (`AXES_CLIENT_IP_CALLABLE`) and the logs all use
`client_address(request)`, so they always agree. The result is always a valid IP address.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

# Longer than any list of hops an honest chain of proxies sends; the rest is not read.
MAX_FORWARDED_FOR_LENGTH = 2048
UNKNOWN = "0.0.0.0"


@lru_cache(maxsize=8)
def parse_networks(entries):
    """The networks of TRUSTED_PROXIES (a tuple of "10.0.0.5" or "10.0.0.0/24" strings)."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries)


def trusted_networks():
    return parse_networks(tuple(settings.TRUSTED_PROXIES))


def parse_address(value):
    """The address `value` names, or None when it is not a plain IPv4 or IPv6 address."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped is not None:
        # ::ffff:192.0.2.1 is 192.0.2.1 (a dual-stack socket reports IPv4 clients so).
        return address.ipv4_mapped
    if address.version == 6 and address.scope_id:
        return None
    return address


def derive(remote_addr, forwarded_for, networks):
    """The client's address, as a string, from the connection's address and the header."""
    address = parse_address(remote_addr)
    if address is None:
        # gunicorn on a unix socket reports no peer address: only a local proxy can connect
        # there, so it is trusted like one. Anything else unreadable is no known client.
        if remote_addr or not networks:
            return UNKNOWN
    elif not any(address in network for network in networks):
        return str(address)
    hops = forwarded_for[-MAX_FORWARDED_FOR_LENGTH:].split(",")
    if len(forwarded_for) > MAX_FORWARDED_FOR_LENGTH:
        # The first hop was cut in the middle: it is not an address.
        hops[0] = ""
    for hop in reversed(hops):
        hop_address = parse_address(hop)
        if hop_address is None:
            break
        address = hop_address
        if not any(hop_address in network for network in networks):
            return str(hop_address)
    return str(address) if address is not None else UNKNOWN


def client_address(request):
    """The client's address for this request, worked out on first use and then kept."""
    try:
        return request.client_address
    except AttributeError:
        pass
    meta = request.META
    address = derive(
        str(meta.get("REMOTE_ADDR") or ""),
        str(meta.get("HTTP_X_FORWARDED_FOR") or ""),
        trusted_networks(),
    )
    request.client_address = address
    return address
