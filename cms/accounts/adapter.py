"""allauth's account adapter: the failed-login limit keyed on the client and the account; mails
that speak as the site; the page a student started from kept through a confirmation link."""

from types import SimpleNamespace
from urllib.parse import urlencode

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context

# allauth's own client address (ALLAUTH_TRUSTED_PROXY_COUNT), with an IPv6 address cut to its
# /64 network as allauth's per-client limits do: no public API exposes it.
from allauth.core.internal.ratelimit import get_ip
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .carrier_mail import carrier_domain

# The carrier domain of the address a verification mail last went to from this session, for
# the "check your mail" page (templates/account/verification_sent.html).
CARRIER_SESSION_KEY = "verification_carrier_domain"


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """allauth keys the per-account half of its `login_failed` limit on the login alone: five
        wrong passwords for a student from anywhere lock that student out from every client
        (docs/stack-notes.md). Keyed on the client and the login, a stranger's failures stop
        only the stranger's own client; the per-client half of the limit still caps guessing
        across accounts (docs/accounts.md)."""
        login = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{get_ip(request)}|{login}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's mails greet with `current_site.name`, which without the Sites framework is
        the request's host (「127.0.0.1:8000 です」): they get the site's name as its pages
        show it, in the reader's language."""
        request = allauth_context.request
        domain = get_current_site(request).domain if request is not None else ""
        site = SimpleNamespace(name=_("Manabiba"), domain=domain)
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def send_confirmation_mail(self, request, emailconfirmation, signup: bool) -> None:
        self._remember_carrier(request, emailconfirmation.email_address.email)
        super().send_confirmation_mail(request, emailconfirmation, signup)

    def send_account_already_exists_mail(self, email: str) -> None:
        # The same page as for a new address (ACCOUNT_PREVENT_ENUMERATION), note included.
        self._remember_carrier(allauth_context.request, email)
        super().send_account_already_exists_mail(email)

    @staticmethod
    def _remember_carrier(request, email: str) -> None:
        if request is not None and hasattr(request, "session"):
            request.session[CARRIER_SESSION_KEY] = carrier_domain(email)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        """The link carries the page the student was on when they signed up (`next`), through
        the login: the mail is often opened in another browser (the mail app's), which has no
        session of the sign-up. Only a path on this site is kept."""
        url = super().get_email_confirmation_url(request, emailconfirmation)
        next_url = _local_next(request)
        if not next_url:
            return url
        after = f"{reverse('account_login')}?{urlencode({'next': next_url})}"
        return f"{url}?{urlencode({'next': after})}"


def _local_next(request) -> str:
    if request is None:
        return ""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts=None
    ):
        return ""
    return next_url
