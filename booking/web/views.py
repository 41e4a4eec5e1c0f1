"""What students see: week views, booking and cancelling, My bookings, calendar files.

Views stay thin: the rules are in `booking.services`; a `BookingError` becomes a message.
A student only ever reaches their own bookings: every booking lookup is filtered by the
logged-in participant, so someone else's code is a 404.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from booking.models import Booking, Participant, Slot, StudySpace
from booking.services import BookingError, book, cancel, mine
from booking.services.participants import renew_feed_token
from core.cache import availability_version
from programs.models import ProgramPage

from . import calendar_files, qr
from .forms import ProfileForm
from .week import build_week, cache_seconds, parse_week

# The session key under which `book_slot` leaves the code of the booking it just made.
JUST_BOOKED = "booking:just-booked"


def safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# ---------------------------------------------------------------------------------------------
# Week views


def space_index(request):
    spaces = StudySpace.objects.all()
    return render(request, "booking/space_index.html", {"spaces": spaces})


def space_week(request, slug):
    space = get_object_or_404(StudySpace, slug=slug)
    return week_response(request, space, space.week_url)


def program_week(request, page_id):
    program = get_object_or_404(ProgramPage.objects.live().specific(), pk=page_id)
    return week_response(request, program, program.week_url)


def week_response(request, owner, base_url):
    now = timezone.now()
    today = timezone.localdate(now)
    monday = parse_week(request.GET.get("week"), today=today)
    week_url = f"{base_url}?{urlencode({'week': monday.isoformat()})}"
    participant = mine.participant_for(request.user)
    context = {
        "owner": owner,
        "is_space": isinstance(owner, StudySpace),
        "monday": monday,
        "sunday": monday + dt.timedelta(days=6),
        "this_week": parse_week(None, today=today),
        "prev_url": f"{base_url}?week={monday - dt.timedelta(days=7):%Y-%m-%d}",
        "next_url": f"{base_url}?week={monday + dt.timedelta(days=7):%Y-%m-%d}",
        "this_week_url": base_url,
        "week_url": week_url,
        "login_url": f"{reverse('account_login')}?{urlencode({'next': week_url})}",
    }
    if request.user.is_authenticated:
        # Personal: the student's own bookings are marked, and the forms carry a CSRF token.
        days = build_week(owner, monday, now=now, participant=participant)
        table = render_to_string(
            "booking/includes/week_table.html", {**context, "days": days}, request=request
        )
    else:
        # Anonymous visitors all see the same table: cache it under the availability version,
        # which every committed booking change bumps, so places left are never stale.
        key = ":".join(
            [
                "week",
                type(owner).__name__,
                str(owner.pk),
                monday.isoformat(),
                translation.get_language() or "",
                str(availability_version()),
            ]
        )
        table = cache.get(key)
        if table is None:
            days = build_week(owner, monday, now=now)
            table = render_to_string(
                "booking/includes/week_table.html", {**context, "days": days}, request=request
            )
            cache.set(key, table, cache_seconds(days, now=now))
    context["table"] = table
    return render(request, "booking/week.html", context)


# ---------------------------------------------------------------------------------------------
# Booking and cancelling


@require_POST
def book_slot(request, slot_id):
    slot = Slot.objects.select_related("space", "program").filter(pk=slot_id).first()
    if slot is None:
        raise Http404
    back = safe_next(request, slot.owner.week_url)
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    waitlist = request.POST.get("waitlist") == "1"
    try:
        booking = book(slot.pk, user=request.user, now=timezone.now(), waitlist=waitlist)
    except BookingError as error:
        if error.code == "no_profile":
            messages.info(request, _("Please finish your profile first. It takes a minute."))
            return redirect(f"{reverse('complete_profile')}?{urlencode({'next': back})}")
        messages.error(request, error.message)
        return redirect(back)
    if booking.status == Booking.Status.WAITLISTED:
        messages.success(
            request, _("You are on the waiting list. We will email you if a place opens up.")
        )
    else:
        messages.success(request, _("Booked. See you there!"))
    # My bookings shows it first, highlighted, once.
    request.session[JUST_BOOKED] = booking.code
    return redirect("my_bookings")


def own_booking_or_404(request, code) -> Booking:
    participant = mine.participant_for(request.user)
    if participant is None:
        raise Http404
    return get_object_or_404(
        Booking.objects.select_related("slot__space", "slot__program"),
        code=code,
        participant=participant,
    )


@require_POST
@login_required
def cancel_booking(request, code):
    booking = own_booking_or_404(request, code)
    try:
        cancel(booking, now=timezone.now())
    except BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your booking is cancelled."))
    return redirect("my_bookings")


# ---------------------------------------------------------------------------------------------
# My bookings


@login_required
def my_bookings(request):
    participant = mine.participant_for(request.user)
    if participant is None:
        return redirect(f"{reverse('complete_profile')}?{urlencode({'next': request.path})}")
    just_booked = request.session.pop(JUST_BOOKED, None)
    upcoming, past = [], []
    for booking in mine.my_bookings(participant, now=timezone.now()):
        booking.can_cancel = booking.is_active and not booking.slot_state.started
        if booking.is_active and not booking.slot_state.ended:
            if qr.needs_check_in_code(booking):
                booking.qr_svg = qr.inline_svg(qr.check_in_url(booking.code))
            booking.just_booked = booking.code == just_booked
            upcoming.append(booking)
        else:
            past.append(booking)
    # The booking just made first, the others soonest first.
    upcoming.sort(key=lambda booking: not booking.just_booked)
    past.reverse()
    feed_url = request.build_absolute_uri(reverse("booking_feed", args=[participant.feed_token]))
    return render(
        request,
        "booking/my_bookings.html",
        {"participant": participant, "upcoming": upcoming, "past": past, "feed_url": feed_url},
    )


@login_required
@require_POST
def renew_feed(request):
    participant = mine.participant_for(request.user)
    if participant is None:
        return redirect("complete_profile")
    renew_feed_token(participant, by=request.user, now=timezone.now())
    messages.success(
        request,
        _(
            "Here is a new calendar address. The old one no longer works: add the new one to your "
            "calendar app."
        ),
    )
    return redirect(f"{reverse('my_bookings')}#feed-heading")


@login_required
def complete_profile(request):
    next_url = safe_next(request, reverse("my_bookings"))
    if mine.participant_for(request.user) is not None:
        return redirect(next_url)
    form = ProfileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.create_participant(request.user)
        messages.success(request, _("Thank you. Your profile is ready."))
        return redirect(next_url)
    return render(request, "booking/complete_profile.html", {"form": form, "next": next_url})


# ---------------------------------------------------------------------------------------------
# Calendar files


def ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def booking_ics(request, code):
    booking = own_booking_or_404(request, code)
    body = calendar_files.booking_calendar([booking], with_links=True)
    return ics_response(body, f"manabiba-{booking.code}.ics")


def booking_feed(request, token):
    """A private feed of one's own bookings for calendar apps, which cannot log in: the
    unguessable token in the URL is the key. No names and no meeting links in it
    (booking.services.meeting_links says why)."""
    participant = get_object_or_404(Participant, feed_token=token)
    since = timezone.now() - dt.timedelta(days=90)
    bookings = (
        Booking.objects.filter(
            participant=participant, status__in=Booking.ACTIVE, slot__start__gte=since
        )
        .select_related("slot__space", "slot__program")
        .order_by("slot__start")
    )
    body = calendar_files.booking_calendar(bookings, name=_("My Manabiba bookings"))
    response = ics_response(body, "manabiba.ics")
    response["Content-Disposition"] = 'inline; filename="manabiba.ics"'
    return response
