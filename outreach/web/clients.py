"""Who is asking, as far as a per-client limit needs to know: a keyed hash of the client's
address, never the address itself."""

import ipaddress

from django.conf import settings
from django.utils.crypto import salted_hmac

CLIENT_KEY_SALT = "outreach.web.client_key"


def client_address(request) -> str:
    """REMOTE_ADDR, or behind `TRUSTED_PROXY_COUNT` proxies the address the outermost trusted
    one saw: that many hops from the right of X-Forwarded-For (the hops further left are
    whatever the client chose to send). An IPv6 address is cut to its /64 network, which one
    household or phone usually holds whole."""
    address = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0
    if count > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            address = hops[-count]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def client_key(request) -> str:
    """What `ConsultationRequest.client_key` stores: an HMAC of the client address with
    SECRET_KEY. The same client gives the same key; the key does not give the address back."""
    return salted_hmac(CLIENT_KEY_SALT, client_address(request), algorithm="sha256").hexdigest()
