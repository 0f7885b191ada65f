"""The address a request came from, behind as many reverse proxies as the operator trusts.

Each proxy appends the address it saw to X-Forwarded-For, and a client may send any
X-Forwarded-For it likes. So only the last TRUSTED_PROXY_COUNT entries were written by
proxies of ours, and the one furthest left of those is the client; with no trusted
proxy (the default) the header is ignored and REMOTE_ADDR is the client.
"""

import ipaddress

from django.conf import settings


def client_address(request):
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return remote  # fewer proxies than configured: nobody we trust wrote the header
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
