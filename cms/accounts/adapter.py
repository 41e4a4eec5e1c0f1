"""allauth's account adapter, with the failed-login limit keyed on the client and the account."""

from allauth.account.adapter import DefaultAccountAdapter

# allauth's own client address (ALLAUTH_TRUSTED_PROXY_COUNT), with an IPv6 address cut to its
# /64 network as allauth's per-client limits do: no public API exposes it.
from allauth.core.internal.ratelimit import get_ip


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """allauth keys the per-account half of its `login_failed` limit on the login alone: five
        wrong passwords for a student from anywhere lock that student out from every client
        (docs/stack-notes.md). Keyed on the client and the login, a stranger's failures stop
        only the stranger's own client; the per-client half of the limit still caps guessing
        across accounts (docs/accounts.md)."""
        login = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{get_ip(request)}|{login}"
