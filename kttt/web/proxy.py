"""The client's address behind a reverse proxy (issue 11), for django-axes's lock-out
(settings.AXES_CLIENT_IP_CALLABLE).

Without a trusted proxy (KTTT_TRUSTED_PROXIES=0, the default) the address is REMOTE_ADDR and
X-Forwarded-For is ignored: anyone may send that header, so trusting it would let a client
choose the address it is locked out under. Behind N trusted proxies, each appends the
address it received the request from (nginx: `$proxy_add_x_forwarded_for`), so the client
is the N-th address from the right; what the client wrote itself stands further left and is
never read. A header shorter than N (the request did not come through every proxy) or an
entry that is not an IP address falls back to REMOTE_ADDR.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.KTTT_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [
        a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
