"""Build a believable demo site. Idempotent: a second run changes nothing."""

import datetime as dt
from io import BytesIO

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from booking.models import OpeningHours, Participant, Slot, StudySpace
from booking.services import BookingError, book, generate_slots
from booking.services.opening_hours import apply_opening_hours
from booking.services.participants import create_participant
from cms.demo import content
from cms.demo.images import draw_picture
from cms.demo.ministry import seed_ministry_report
from cms.demo.outreach import seed_outreach
from cms.models import ContentPage, HomePage, SocialSettings
from core.models import School
from outreach.models import Liaison
from programs.models import ProgramIndexPage, ProgramPage

STAFF_LOGINS = [
    # username, password, group (None: superuser)
    ("admin", "demo-admin-pass", None),
    ("editor", "demo-editor-pass", "Editors"),
    ("staff", "demo-staff-pass", "Staff"),
    ("coordinator", "demo-coordinator-pass", "Coordinators"),
    # Outreach (docs/domain.md, "People and roles"): the liaison refers for the first school.
    ("lead", "demo-lead-pass", "Outreach leads"),
    ("outreach", "demo-outreach-pass", "Outreach staff"),
    ("liaison", "demo-liaison-pass", "School liaisons"),
    ("committee", "demo-committee-pass", "Committee"),
]
STUDENT_PASSWORD = "demo-pass"
# Administrators, Staff and the outreach roles that open records (lead, staff, liaison) see
# students' personal data, so the admin asks them for a code from an authenticator app
# (cms/accounts/middleware.py). The demo's accounts share this known secret
# (README, "Demo logins"): add it to any authenticator app. Demo only, like the passwords.
DEMO_TOTP_SECRET = "MANABIBADEMOSTAFFSECRETDEMO23456"
SECOND_FACTOR_GROUPS = {None, "Staff", "Outreach leads", "Outreach staff", "School liaisons"}
STUDENT_NICKNAMES = [
    "ゆう",
    "はる",
    "そら",
    "みお",
    "りん",
    "かい",
    "さくら",
    "あお",
    "ひなた",
    "れん",
]
STUDY_SPACE = {
    "slug": "study-space",
    "name": "学習スペース",
    "place": "益田市ユースサポートセンター 2階",
    "capacity": 12,
    "description": "放課後や週末に、自分のペースで勉強できる場所です。スタッフに質問もできます。",
}
# Weekdays after school and weekend days, Asia/Tokyo.
STUDY_SPACE_HOURS = [
    ([0, 1, 2, 3, 4], dt.time(16, 0), dt.time(19, 0)),
    ([5, 6], dt.time(10, 0), dt.time(17, 0)),
]


class Command(BaseCommand):
    help = "Create the demo site: pages, programmes, schools and demo logins (never in production)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--students", type=int, default=0, help="Also create demo students student1…studentN."
        )

    def handle(self, *args, students: int = 0, **options):
        if getattr(settings, "MANABIBA_ENV", "") == "production":
            raise CommandError("seed_demo creates known passwords and never runs in production.")
        if students < 0 or students > 500:
            raise CommandError("--students must be between 0 and 500.")
        # The demo students are not real: their demo bookings must not send mail (the mail is
        # queued until the transaction commits, so the override wraps the whole transaction).
        dummy_mail = override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
        with dummy_mail, transaction.atomic():
            self.created = 0
            schools = self.seed_schools()
            home = self.seed_home()
            index = self.seed_program_index(home)
            self.seed_programs(index, schools)
            self.seed_content_pages(home)
            logins = self.seed_users(students)
            self.seed_outreach(schools, now=timezone.now())
            self.seed_booking(students, schools, now=timezone.now())
            self.seed_attendance_history(schools, now=timezone.now())
            # Last year's narrative for the ministry, published; this year's begun as a draft.
            self.created += seed_ministry_report(now=timezone.now())
        self.stdout.write(self.style.SUCCESS(f"Demo site ready ({self.created} objects created)."))
        self.stdout.write("Demo logins (development only):")
        for username, password, role in logins:
            self.stdout.write(f"  {role:<12} {username:<12} {password}")
        self.stdout.write(
            "admin, staff, lead, outreach and liaison: authenticator app (TOTP) secret "
            f"{DEMO_TOTP_SECRET} (README, Demo logins)."
        )

    # Each step looks its objects up by a stable key and only creates what is missing.

    def seed_schools(self):
        schools = []
        for order, (name, short, special) in enumerate(content.SCHOOLS):
            school, created = School.objects.get_or_create(
                name=name,
                defaults={"short_name": short, "is_special_needs": special, "sort_order": order},
            )
            self.created += created
            schools.append(school)
        return schools

    def image(self, title, label, palette, seed):
        Image = get_image_model()
        existing = Image.objects.filter(title=title).first()
        if existing:
            return existing
        data = draw_picture(label, palette, seed)
        image = Image(title=title, file=ImageFile(BytesIO(data), name=f"demo-{palette}-{seed}.png"))
        image.save()
        self.created += 1
        return image

    def seed_home(self):
        home = HomePage.objects.first()
        if home is None:
            root = Page.get_first_root_node()
            home = root.add_child(instance=HomePage(title="学び場", slug="home"))
            self.created += 1
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
        elif site.root_page_id != home.pk:
            site.root_page = home
            site.save()
        if not home.intro:
            home.title = "学び場 — 自分のペースで学べる場所"
            home.intro = content.HOME_INTRO
            home.seo_title = "学び場｜益田市の高校生年代の学習支援"
            home.search_description = content.HOME_INTRO[:150]
            home.hero_image = self.image("学び場 メイン画像", "Manabiba", "site", 1)
            home.save_revision().publish()
            settings_obj = SocialSettings.for_site(site or Site.objects.get(is_default_site=True))
            settings_obj.default_share_image = home.hero_image
            settings_obj.save()
            self.created += 1
        return home

    def seed_program_index(self, home):
        index = ProgramIndexPage.objects.first()
        if index is None:
            index = home.add_child(
                instance=ProgramIndexPage(
                    title="プログラム一覧",
                    slug="programs",
                    intro=content.PROGRAM_INDEX_INTRO,
                    search_description="益田市の学び場で参加できる理科実験、フィールドワーク、PBL、"
                    "オンライン学習、学習相談の一覧です。",
                )
            )
            index.save_revision().publish()
            self.created += 1
        return index

    def seed_programs(self, index, schools):
        for seed, spec in enumerate(content.PROGRAMS, start=2):
            if ProgramPage.objects.filter(slug=spec["slug"]).exists():
                continue
            body = [
                {"type": "paragraph", "value": f"<p>{spec['summary']}</p>"},
                {
                    "type": "faq",
                    "value": {
                        "heading": "よくある質問",
                        "items": [
                            {
                                "question": "ひとりで参加しても大丈夫？",
                                "answer": "<p>はい。ほとんどの人がひとりで来ています。</p>",
                            },
                            {
                                "question": "途中で帰ってもいい？",
                                "answer": "<p>もちろんです。スタッフに一声かけてください。</p>",
                            },
                        ],
                    },
                },
            ]
            if spec["bring"]:
                body.insert(
                    1,
                    {"type": "bring_list", "value": {"heading": "持ち物", "items": spec["bring"]}},
                )
            page = ProgramPage(
                title=spec["title"],
                slug=spec["slug"],
                kind=spec["kind"],
                summary=spec["summary"],
                search_description=spec["summary"],
                hero_image=self.image(spec["title"], spec["label"], spec["kind"], seed),
                body=body,
                place=spec["place"],
                schedule=spec["schedule"],
                start_time=spec["start"],
                duration_minutes=spec["minutes"],
                places_per_session=spec["places"],
                booking_required=spec["kind"] != "consultation" or spec["places"] == 1,
                meeting_url=spec.get("meeting_url", ""),
            )
            index.add_child(instance=page)
            page.save_revision().publish()
            self.created += 1

    def seed_content_pages(self, home):
        for spec in content.CONTENT_PAGES:
            if ContentPage.objects.filter(slug=spec["slug"]).exists():
                continue
            page = home.add_child(
                instance=ContentPage(
                    title=spec["title"],
                    slug=spec["slug"],
                    summary=spec["summary"],
                    search_description=spec["summary"],
                    body=[{"type": "paragraph", "value": spec["text"]}],
                )
            )
            page.save_revision().publish()
            self.created += 1

    def seed_users(self, students):
        User = get_user_model()
        logins = []
        for username, password, group in STAFF_LOGINS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@example.org",
                    "is_staff": group is None,
                    "is_superuser": group is None,
                },
            )
            if created:
                user.set_password(password)
                user.save()
                if group:
                    user.groups.add(Group.objects.get(name=group))
                self.created += 1
            self.verify_address(user)
            if group in SECOND_FACTOR_GROUPS:
                self.add_demo_authenticator(user)
            logins.append((username, password, group or "Administrator"))
        for number in range(1, students + 1):
            username = f"student{number}"
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.org"}
            )
            if created:
                user.set_password(STUDENT_PASSWORD)
                user.save()
                self.created += 1
            self.verify_address(user)
        if students:
            logins.append((f"student1…student{students}", STUDENT_PASSWORD, "Student"))
        return logins

    def verify_address(self, user):
        """Demo accounts log in at once: their e-mail address counts as verified (allauth would
        otherwise stop them at "confirm your address", a mail nobody receives in the demo)."""
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )

    def seed_outreach(self, schools, *, now):
        """The liaison's school, then requests, cases, a referral and a committee meeting
        (cms/demo/outreach.py), once."""
        User = get_user_model()
        users = {name: User.objects.get(username=name) for name in ("lead", "outreach", "liaison")}
        _liaison, created = Liaison.objects.get_or_create(
            user=users["liaison"], defaults={"school": schools[0]}
        )
        self.created += created
        self.created += seed_outreach(users=users, now=now)

    def add_demo_authenticator(self, user):
        """An authenticator app already set up with the known demo secret, so that `make run`
        leads straight to "enter the code" instead of the set-up page."""
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
            self.created += 1

    def seed_booking(self, students, schools, *, now):
        """The study space with its opening hours, slots for the coming weeks, sessions for
        the demo programmes, participant profiles for the demo students and a few bookings."""
        space, created = StudySpace.objects.get_or_create(
            slug=STUDY_SPACE["slug"], defaults={k: v for k, v in STUDY_SPACE.items() if k != "slug"}
        )
        self.created += created
        if not space.opening_hours.exists():
            for weekdays, opens, closes in STUDY_SPACE_HOURS:
                OpeningHours.objects.create(
                    space=space,
                    weekdays=weekdays,
                    opens=opens,
                    closes=closes,
                    valid_from=timezone.localdate(now),
                )
                self.created += 1
        self.created += apply_opening_hours(space, now=now)["created"]
        self.created += generate_slots(now=now)["created"]

        User = get_user_model()
        participants = []
        for number in range(1, students + 1):
            user = User.objects.get(username=f"student{number}")
            participant = Participant.objects.filter(user=user).first()
            if participant is None:
                participant = create_participant(
                    nickname=STUDENT_NICKNAMES[(number - 1) % len(STUDENT_NICKNAMES)],
                    # Every fourth student is not at a partner school (left school, or none).
                    school=None if number % 4 == 0 else schools[(number - 1) % len(schools)],
                    birth_year=timezone.localdate(now).year - 15 - number % 4,
                    contact_email=user.email,
                    user=user,
                )
                self.created += 1
            participants.append(participant)
        self.seed_bookings(space, participants, now=now)

    def seed_attendance_history(self, schools, *, now):
        """Past years of attendance, so that the coordinators' report and charts tell a year's
        story (cms/demo/history.py, history_rows.py)."""
        from cms.demo.history_rows import seed_history

        self.created += seed_history(
            now=now,
            space=StudySpace.objects.get(slug=STUDY_SPACE["slug"]),
            hours=STUDY_SPACE_HOURS,
            programs=ProgramPage.objects.live().filter(
                slug__in=[spec["slug"] for spec in content.PROGRAMS]
            ),
            schools=schools,
            recorded_by=get_user_model().objects.filter(username="staff").first(),
        )

    def seed_bookings(self, space, participants, *, now):
        """Two study-space seats and one programme session for each demo student who has no
        booking yet, through the booking service so that every rule holds."""
        week = now + dt.timedelta(days=7)
        space_slots = list(
            Slot.objects.filter(space=space, start__gt=now, start__lt=week, closure=None)
            .filter(status=Slot.Status.OPEN)
            .order_by("start")[:6]
        )
        session_slots = list(
            Slot.objects.filter(program__isnull=False, start__gt=now, start__lt=week, closure=None)
            .filter(status=Slot.Status.OPEN)
            .order_by("start")[:4]
        )
        for index, participant in enumerate(participants):
            if participant.bookings.exists():
                continue
            wanted = []
            if space_slots:
                wanted += [space_slots[index % len(space_slots)]]
                wanted += [space_slots[(index + 2) % len(space_slots)]]
            if session_slots:
                wanted.append(session_slots[index % len(session_slots)])
            for slot in dict.fromkeys(wanted):
                try:
                    book(slot.pk, participant, now=now, waitlist=True)
                except BookingError:
                    continue  # a rule said no (e.g. too far ahead): the demo does without it
                self.created += 1
