"""The public 「相談する」 pages: the request form (no account), the thank-you page that shows
the private page's link once, and the private page where the writer reads the centre's answers,
writes again, or closes the page.

The rules are in `outreach.services.requests`. Nothing here is cached anywhere: every response
says `Cache-Control: private, no-store` (`never_cache`; the page cache only ever stores views
it names, and these carry a CSRF token or a secret). The pages that hold the secret (the
thank-you page, the private page) also send `Referrer-Policy: no-referrer`, so that a link
followed from them does not carry the token to another site.
"""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from booking.web.forms import current_language
from outreach.models import ConsultationRequest
from outreach.models.requests import new_token
from outreach.services.errors import OutreachError
from outreach.services.request_links import request_for_token
from outreach.services.requests import close_page, follow_up, over_limit, submit_request, thread

from .clients import client_key
from .forms import FollowUpForm, RequestForm

# A request is at most 4000 characters; URL-encoded Japanese takes 9 bytes a character. Past
# this the form is refused as a whole (400) with a clear message, and nothing is stored.
# (Past DATA_UPLOAD_MAX_MEMORY_SIZE, Django itself answers 400 before any view runs.)
MAX_POST_BYTES = 64 * 1024
# `?from=…` on links posted on social media: where the writer heard of us.
SOURCE_ALIASES = {"ig": "instagram", "insta": "instagram", "fb": "facebook"}
TOO_BIG = _(
    "What you sent is too long for us to receive. Please make the message shorter (at most "
    "4000 characters) and send it again."
)


def centre_context() -> dict:
    """The centre's phone number, shown wherever someone might rather call (set
    OUTREACH_CENTRE_PHONE)."""
    return {"centre_phone": getattr(settings, "OUTREACH_CENTRE_PHONE", "")}


def no_referrer(response):
    response["Referrer-Policy"] = "no-referrer"
    return response


def too_big(request) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_POST_BYTES
    except ValueError:
        return True


def source_from(request) -> str:
    raw = request.GET.get("from", "").strip().lower()[:20]
    raw = SOURCE_ALIASES.get(raw, raw)
    return raw if raw and raw in ConsultationRequest.Source.values else ""


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def request_form(request):
    now = timezone.now()
    key = client_key(request)
    status = 200
    if request.method != "POST":
        if over_limit(key, now=now):
            return too_many(request)
        form = RequestForm(initial={"source": source_from(request)})
    elif too_big(request):
        # Shown again with what was typed, so that it can be shortened, and nothing kept.
        form = RequestForm(request.POST)
        form.is_valid()
        form.add_error(None, TOO_BIG)
        status = 400
    else:
        form = RequestForm(request.POST)
        if form.is_bot:
            return thanks(request, reply_by=request.POST.get("reply_by", ""), token=new_token())
        if form.is_valid():
            data = form.cleaned_data
            try:
                stored, token = submit_request(
                    **form.request_fields(),
                    anonymous=data["anonymous"],
                    language=current_language(),
                    client_key=key,
                    now=now,
                )
            except OutreachError as error:
                if error.code != "too_many_requests":
                    raise
                return too_many(request, body=data["body"])
            return thanks(request, reply_by=stored.reply_by, token=token, stored=stored)
    context = {"form": form, "body_max": form.fields["body"].max_length, **centre_context()}
    return render(request, "outreach/web/request_form.html", context, status=status)


def thanks(request, *, reply_by: str, token: str, stored: ConsultationRequest | None = None):
    """The thank-you page; the only place a page writer's link is ever shown. A bot that
    filled the honeypot gets the same page, with a link that opens nothing."""
    page_url = ""
    if token and reply_by == ConsultationRequest.ReplyBy.PAGE:
        page_url = request.build_absolute_uri(reverse("soudan_page", args=[token]))
    context = {
        "reply_by": reply_by,
        "page_url": page_url,
        "email": stored.email if stored else "",
        "phone": stored.phone if stored else "",
        **centre_context(),
    }
    return no_referrer(render(request, "outreach/web/request_sent.html", context))


def too_many(request, *, body: str = ""):
    """Over the per-client limit: a kind page with the phone number, not an error page. The
    message that was not sent is shown back, so that nothing typed is lost."""
    context = {"body": body, **centre_context()}
    return render(request, "outreach/web/too_many.html", context, status=429)


def not_found(request):
    """An unknown or closed link: the same kind page either way, so it says nothing about
    whether the link ever worked."""
    response = render(request, "outreach/web/page_not_found.html", centre_context(), status=404)
    return no_referrer(response)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def request_page(request, token):
    consultation = request_for_token(token)
    if consultation is None:
        return not_found(request)
    status = 200
    if request.method != "POST":
        form = FollowUpForm()
    elif too_big(request):
        form = FollowUpForm(request.POST)
        form.is_valid()
        form.add_error(None, TOO_BIG)
        status = 400
    else:
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                follow_up(consultation, form.cleaned_data["body"], now=timezone.now())
            except OutreachError as error:
                if error.code == "page_closed":
                    return not_found(request)
                form.add_error(None, error.message)
            else:
                url = reverse("soudan_page", args=[token])
                return no_referrer(HttpResponseRedirect(f"{url}?sent=1#sent"))
    context = {
        "consultation": consultation,
        "messages_after": thread(consultation),
        "form": form,
        "sent": request.GET.get("sent") == "1" and request.method != "POST",
        "close_url": reverse("soudan_close", args=[token]),
        **centre_context(),
    }
    response = render(request, "outreach/web/request_page.html", context, status=status)
    return no_referrer(response)


@never_cache
@require_POST
def close_private_page(request, token):
    consultation = request_for_token(token)
    if consultation is None:
        return not_found(request)
    close_page(consultation, now=timezone.now())
    return no_referrer(render(request, "outreach/web/page_closed.html", centre_context()))
