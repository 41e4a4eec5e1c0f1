"""Roles, moderation, scheduled publishing and preview in the Wagtail admin."""

import datetime as dt

import recurrence
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import WorkflowState
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import querydict_from_html

from programs.models import ProgramPage
from tests.factories import make_program, make_program_index, make_user

ROLE_GROUPS = ["Editors", "Staff", "Coordinators"]


class RoleTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.index = make_program_index()
        cls.editor = make_user("editor1", groups=["Editors"])
        cls.admin = make_user("admin1", is_superuser=True)

    def add_url(self):
        return reverse("wagtailadmin_pages:add", args=["programs", "programpage", self.index.pk])

    def programme_form(self, **fields):
        """The admin's own add form, as a browser would submit it, with our values filled in."""
        response = self.client.get(self.add_url())
        self.assertEqual(response.status_code, 200)
        data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
        data.update(
            {
                "title": "理科実験「磁石」",
                "slug": "science-magnets",
                "kind": "science",
                "summary": "磁石のふしぎを確かめます。",
                "place": "ユースサポートセンター",
                "age_min": "15",
                "age_max": "19",
                "schedule": "RRULE:FREQ=WEEKLY;BYDAY=SA",
                "starts_on": "2026-04-04",
                "start_time": "14:00",
                "duration_minutes": "90",
                "places_per_session": "8",
                "meeting_url": "",
                # The body StreamField is built by JavaScript in the editor: an empty stream.
                "body-count": "0",
            }
        )
        for key, value in fields.items():
            data[key] = value
        return data

    def edit_form(self, page):
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        response = self.client.get(edit_url)
        self.assertEqual(response.status_code, 200)
        data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
        data["body-count"] = "0"
        return data

    def test_role_groups_exist_after_migrations(self):
        for name in ROLE_GROUPS:
            group = Group.objects.get(name=name)
            self.assertTrue(
                group.permissions.filter(
                    content_type__app_label="wagtailadmin", codename="access_admin"
                ).exists(),
                name,
            )
        for name in ROLE_GROUPS:
            user = make_user(groups=[name])
            self.client.force_login(user)
            self.assertEqual(self.client.get(reverse("wagtailadmin_home")).status_code, 200)

    def test_anonymous_users_are_sent_to_the_login(self):
        response = self.client.get(self.add_url())
        self.assertEqual(response.status_code, 302)
        self.assertIn("login", response["Location"])

    def test_editor_submission_goes_to_moderation_not_live(self):
        self.client.force_login(self.editor)
        data = self.programme_form()
        data["action-submit"] = "action-submit"
        response = self.client.post(self.add_url(), data)
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])

        page = ProgramPage.objects.get(slug="science-magnets")
        self.assertEqual(page.get_parent().pk, self.index.pk)
        self.assertFalse(page.live)
        self.assertEqual(page.owner, self.editor)
        state = WorkflowState.objects.for_instance(page).get()
        self.assertEqual(state.status, WorkflowState.STATUS_IN_PROGRESS)
        self.assertEqual(state.requested_by, self.editor)
        # Not public yet.
        self.client.logout()
        self.assertEqual(self.client.get("/programs/science-magnets/").status_code, 404)
        self.assertNotIn("磁石", self.client.get("/programs/").content.decode())

    def test_editor_cannot_publish_directly(self):
        self.client.force_login(self.editor)
        data = self.programme_form()
        data["action-publish"] = "action-publish"
        self.client.post(self.add_url(), data)
        page = ProgramPage.objects.filter(slug="science-magnets").first()
        self.assertTrue(page is None or not page.live)

    def test_superuser_approves_the_submission_and_it_goes_live(self):
        self.client.force_login(self.editor)
        data = self.programme_form()
        data["action-submit"] = "action-submit"
        self.client.post(self.add_url(), data)
        page = ProgramPage.objects.get(slug="science-magnets")
        task_state = WorkflowState.objects.for_instance(page).get().current_task_state

        self.client.force_login(self.admin)
        url = reverse(
            "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]
        )
        response = self.client.post(url, {"comment": ""})
        self.assertEqual(response.status_code, 302)

        page.refresh_from_db()
        self.assertTrue(page.live)
        self.assertEqual(page.title, "理科実験「磁石」")
        self.client.logout()
        self.assertEqual(self.client.get(page.url).status_code, 200)

    def test_superuser_can_publish_directly(self):
        self.client.force_login(self.admin)
        data = self.programme_form(slug="science-magnets-2")
        data["action-publish"] = "action-publish"
        response = self.client.post(self.add_url(), data)
        self.assertEqual(response.status_code, 302, response.content.decode()[:2000])
        page = ProgramPage.objects.get(slug="science-magnets-2")
        self.assertTrue(page.live)
        (rule,) = page.schedule.rrules
        self.assertEqual(rule.freq, recurrence.WEEKLY)
        self.assertEqual(rule.byday, [recurrence.SA])
        self.assertEqual(page.start_time, dt.time(14, 0))
        self.client.logout()
        html = self.client.get(page.url).content.decode()
        self.assertIn("磁石のふしぎを確かめます。", html)

    def test_invalid_programme_is_rejected_with_errors(self):
        self.client.force_login(self.admin)
        data = self.programme_form(place="", age_min="18", age_max="15")
        data["action-publish"] = "action-publish"
        response = self.client.post(self.add_url(), data)
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertIn("place", errors)
        self.assertIn("age_max", errors)
        self.assertFalse(ProgramPage.objects.filter(slug="science-magnets").exists())

    def test_scheduled_revision_goes_live_after_publish_scheduled(self):
        page = make_program(self.index, title="予約公開の実験", live=False)
        page.go_live_at = timezone.now() + dt.timedelta(days=1)
        revision = page.save_revision(user=self.admin)
        revision.publish(user=self.admin)
        page.refresh_from_db()
        self.assertFalse(page.live)
        revision.refresh_from_db()
        self.assertIsNotNone(revision.approved_go_live_at)

        call_command("publish_scheduled")
        page.refresh_from_db()
        self.assertFalse(page.live)  # not yet due

        # A day passes: the scheduled moment is now in the past (for the revision and its content).
        past = timezone.now() - dt.timedelta(minutes=1)
        revision.approved_go_live_at = past
        revision.content["go_live_at"] = past.isoformat()
        revision.save(update_fields=["approved_go_live_at", "content"])
        call_command("publish_scheduled")
        page.refresh_from_db()
        self.assertTrue(page.live)
        self.assertEqual(self.client.get(page.url).status_code, 200)

    def test_programme_page_preview_renders(self):
        page = make_program(self.index, title="プレビューの実験")
        self.client.force_login(self.admin)
        data = self.edit_form(page)
        self.assertPageIsPreviewable(page, post_data=data)
        self.assertPageIsPreviewable(page, post_data=data, user=self.editor)

    def test_preview_shows_the_unsaved_changes(self):
        page = make_program(self.index, title="プレビューの実験")
        self.client.force_login(self.editor)
        data = self.edit_form(page)
        data["summary"] = "まだ保存していない説明。"
        preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
        self.assertJSONEqual(
            self.client.post(preview_url, data).content.decode(),
            {"is_valid": True, "is_available": True},
        )
        html = self.client.get(preview_url).content.decode()
        self.assertIn("まだ保存していない説明。", html)
        page.refresh_from_db()
        self.assertNotEqual(page.summary, "まだ保存していない説明。")
