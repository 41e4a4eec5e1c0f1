"""Phone carriers' mail addresses. docomo, au and SoftBank filter mail from senders the
subscriber has not allowed, and many students have only such an address: the verification mail
never arrives unless they allow our domain first, so the sign-up form says so before it is
sent, and the "check your mail" page says it again for a carrier address."""

from django.conf import settings

CARRIER_DOMAINS = frozenset(
    {"docomo.ne.jp", "ezweb.ne.jp", "au.com", "softbank.ne.jp", "i.softbank.jp"}
)


def carrier_domain(email: str) -> str:
    """The carrier's domain of `email`, or "" for any other address."""
    domain = email.rpartition("@")[2].strip().lower()
    return domain if domain in CARRIER_DOMAINS else ""


def sender_domain() -> str:
    """The domain students must allow: the one our mail comes from."""
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >")
