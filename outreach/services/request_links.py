"""The private page's secret link (`/soudan/r/<token>/`), where a writer reads the thread and
answers without an account.

A writer who chose the page gets a random token (`new_token`), shown once on the thank-you
page and never again: nobody, staff included, can recover it. A writer who chose e-mail gets a
token derived from the request's code with SECRET_KEY (`mail_token`), so that every mail can
carry the link. Either way only its hash is stored: a copy of the database does not open
anyone's page. A revoked link stays revoked: there is no new link for the same request.
"""

import base64

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from ..models import ConsultationRequest
from ..models.requests import hash_token, new_token

MAIL_LINK_SALT = "outreach.requests.mail_token"
# Tokens are 32 characters; anything much longer is not one (and is not hashed).
TOKEN_MAX_LENGTH = 64


def mail_token(request: ConsultationRequest, *, secret=None) -> str:
    digest = salted_hmac(MAIL_LINK_SALT, request.code, secret=secret, algorithm="sha256")
    return base64.urlsafe_b64encode(digest.digest()[:24]).decode()


def issue_link(request: ConsultationRequest) -> str:
    """Store the hash of the request's page token and return the token; "" when the writer
    is to be answered by phone (no page). Call once, when the request is created."""
    ReplyBy = ConsultationRequest.ReplyBy
    if request.reply_by == ReplyBy.PAGE:
        token = new_token()
    elif request.reply_by == ReplyBy.EMAIL and request.email:
        token = mail_token(request)
    else:
        return ""
    request.token_hash = hash_token(token)
    request.save(update_fields=["token_hash"])
    return token


def mailable_token(request: ConsultationRequest) -> str:
    """The token a mail to this writer may carry, or "" when their page is closed or was never
    given, or when SECRET_KEY changed since (an old key still in SECRET_KEY_FALLBACKS works)."""
    if not request.page_open:
        return ""
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        token = mail_token(request, secret=secret)
        if constant_time_compare(hash_token(token), request.token_hash):
            return token
    return ""


def request_for_token(token: str) -> ConsultationRequest | None:
    """The request whose private page `token` opens; None when unknown or revoked (the page
    then says the same in both cases)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return ConsultationRequest.objects.filter(
        token_hash=hash_token(token), token_revoked_at__isnull=True
    ).first()
