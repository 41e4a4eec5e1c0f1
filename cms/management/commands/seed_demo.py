"""Build a believable demo site. Idempotent: a second run changes nothing."""

from io import BytesIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from cms.demo import content
from cms.demo.images import draw_picture
from cms.models import ContentPage, HomePage, School, SocialSettings
from programs.models import ProgramIndexPage, ProgramPage

STAFF_LOGINS = [
    # username, password, group (None: superuser)
    ("admin", "demo-admin-pass", None),
    ("editor", "demo-editor-pass", "Editors"),
    ("staff", "demo-staff-pass", "Staff"),
    ("coordinator", "demo-coordinator-pass", "Coordinators"),
]
STUDENT_PASSWORD = "demo-pass"


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
        with transaction.atomic():
            self.created = 0
            schools = self.seed_schools()
            home = self.seed_home()
            index = self.seed_program_index(home)
            self.seed_programs(index, schools)
            self.seed_content_pages(home)
            logins = self.seed_users(students)
        self.stdout.write(self.style.SUCCESS(f"Demo site ready ({self.created} objects created)."))
        self.stdout.write("Demo logins (development only):")
        for username, password, role in logins:
            self.stdout.write(f"  {role:<12} {username:<12} {password}")

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
        if students:
            logins.append((f"student1…student{students}", STUDENT_PASSWORD, "Student"))
        return logins
