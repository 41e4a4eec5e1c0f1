"""Hand-written factories: each test builds the few objects it needs."""

import datetime as dt
import itertools
from io import BytesIO

import recurrence
from django.core.files.images import ImageFile
from wagtail.images import get_image_model

from cms.demo.images import draw_picture
from cms.models import HomePage
from programs.models import ProgramIndexPage, ProgramPage

_counter = itertools.count(1)


def make_image(title="テスト画像"):
    Image = get_image_model()
    data = draw_picture("Test", "science", next(_counter), size=(400, 210))
    image = Image(title=title, file=ImageFile(BytesIO(data), name="test.png"))
    image.save()
    return image


def get_home() -> HomePage:
    return HomePage.objects.get()


def make_program_index(home=None, **kwargs) -> ProgramIndexPage:
    home = home or get_home()
    fields = {"title": "プログラム一覧", "slug": "programs", "intro": "一覧です。"}
    fields.update(kwargs)
    index = home.add_child(instance=ProgramIndexPage(**fields))
    index.save_revision().publish()
    return index


def make_program(index, **kwargs) -> ProgramPage:
    """A published programme; pass live=False for a draft."""
    n = next(_counter)
    fields = {
        "title": f"プログラム{n}",
        "slug": f"program-{n}",
        "kind": "science",
        "summary": f"プログラム{n}の説明です。",
        "place": "ユースサポートセンター",
        "schedule": recurrence.Recurrence(
            rrules=[recurrence.Rule(recurrence.WEEKLY, byday=[recurrence.SA])]
        ),
        "start_time": dt.time(14, 0),
        "duration_minutes": 90,
        "places_per_session": 8,
    }
    fields.update(kwargs)
    page = index.add_child(instance=ProgramPage(**fields))
    if page.live:
        page.save_revision().publish()
    return page


def make_content_page(parent=None, **kwargs):
    """A published plain content page under the home page (or `parent`)."""
    from cms.models import ContentPage

    parent = parent or get_home()
    n = next(_counter)
    fields = {"title": f"ページ{n}", "slug": f"page-{n}", "summary": f"ページ{n}の概要です。"}
    fields.update(kwargs)
    page = parent.add_child(instance=ContentPage(**fields))
    if page.live:
        page.save_revision().publish()
    return page


def make_user(username=None, *, groups=(), password="test-pass", admin_language=None, **kwargs):  # noqa: S107
    """A user in the given role groups (by name); pass is_superuser=True for an administrator.
    `admin_language="en"` makes Wagtail's admin speak English to them, so tests can read its
    messages whatever the Japanese catalogue says."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    User = get_user_model()
    username = username or f"user{next(_counter)}"
    if kwargs.get("is_superuser"):
        kwargs.setdefault("is_staff", True)
    user = User.objects.create_user(
        username=username, email=f"{username}@example.org", password=password, **kwargs
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    # Everyone signs in through allauth, which stops an unverified address at "confirm your
    # address": a made-up user has confirmed theirs.
    verify_address(user)
    if admin_language:
        from wagtail.users.models import UserProfile

        profile = UserProfile.get_for_user(user)
        profile.preferred_language = admin_language
        profile.save()
    return user


def verify_address(user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def weekly_rule(*days, exdates=()):
    """A django-recurrence rule repeating every week on `days` (recurrence.MO …)."""
    return recurrence.Recurrence(
        rrules=[recurrence.Rule(recurrence.WEEKLY, byday=list(days))],
        exdates=list(exdates),
    )
