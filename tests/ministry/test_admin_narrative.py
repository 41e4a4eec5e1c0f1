"""The narrative is written in the admin like a page: Staff write drafts and submit them, the
moderators (the pages' workflow) approve, and only then does the text reach the report.
Coordinators read it; editors have nothing to do with it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import WorkflowContentType, WorkflowPage
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from ministry.models import SECTION_FIELDS, MinistryReport
from ministry.services.sections import report_sections
from tests.factories import make_user

from .narrative_factories import make_report, text

pytestmark = pytest.mark.django_db

SNIPPET = "wagtailsnippets_ministry_ministryreport"


def form(fiscal_year=2026, action=None, **sections):
    """The snippet form's POST data: every section, `sections` given as HTML paragraphs."""
    data = {"fiscal_year": fiscal_year}
    for name in SECTION_FIELDS:
        blocks = [("paragraph", rich_text(html)) for html in sections.get(name, [])]
        data[name] = streamfield(blocks)
    data = nested_form_data(data)
    if action:
        data[f"action-{action}"] = action
    return data


def paragraphs(report) -> list[list[str]]:
    return [s.paragraphs for s in report_sections(MinistryReport.objects.get(pk=report.pk))]


def approve(report, moderator):
    task_state = MinistryReport.objects.get(pk=report.pk).current_workflow_task_state
    assert task_state is not None
    task_state.task.specific.on_action(task_state, moderator, "approve")


def test_permissions_of_each_role_and_the_workflow_of_the_pages():
    def codenames(group):
        return set(
            Group.objects.get(name=group)
            .permissions.filter(content_type__app_label="ministry")
            .values_list("codename", flat=True)
        )

    assert codenames("Staff") == {
        "add_ministryreport",
        "change_ministryreport",
        "view_ministryreport",
    }
    assert "publish_ministryreport" in codenames("Moderators")
    assert codenames("Coordinators") == {"view_ministryreport"}
    assert codenames("Editors") == set()
    pages_workflow = WorkflowPage.objects.get(page__depth=1).workflow
    assert WorkflowContentType.objects.get(content_type__model="ministryreport").workflow == (
        pages_workflow
    )


def test_staff_submit_a_draft_and_the_moderators_approval_publishes_it(client):
    staff = make_user("narrative-staff", groups=["Staff"])
    moderator = make_user("narrative-moderator", groups=["Moderators"])
    client.force_login(staff)
    response = client.post(
        reverse(f"{SNIPPET}:add"),
        form(action="submit", background=["<p>益田市では不登校の生徒が増えています。</p>"]),
    )
    assert response.status_code == 302, response.context["form"].errors
    report = MinistryReport.objects.get(fiscal_year=2026)
    assert report.live is False
    assert report.workflow_in_progress
    assert paragraphs(report) == []

    approve(report, moderator)
    report.refresh_from_db()
    assert report.live
    assert paragraphs(report) == [["益田市では不登校の生徒が増えています。"]]


def test_a_change_waiting_for_approval_leaves_the_published_text_in_the_report(client):
    staff = make_user("narrative-staff", groups=["Staff"])
    moderator = make_user("narrative-moderator", groups=["Moderators"])
    report = make_report(background=[text("<p>公開済みの背景</p>")])
    client.force_login(staff)
    edit = reverse(f"{SNIPPET}:edit", args=[report.pk])
    response = client.post(
        edit, form(action="submit", background=["<p>改訂した背景</p>"], results=["<p>成果</p>"])
    )
    assert response.status_code == 302
    assert paragraphs(report) == [["公開済みの背景"]]

    approve(report, moderator)
    assert paragraphs(report) == [["改訂した背景"], ["成果"]]


def test_staff_cannot_publish_past_the_moderators(client):
    client.force_login(make_user("narrative-staff", groups=["Staff"]))
    response = client.post(
        reverse(f"{SNIPPET}:add"), form(action="publish", background=["<p>直接公開？</p>"])
    )
    print(
        "PROBE",
        response.status_code,
        response.get("Location"),
        list(MinistryReport.objects.values("live", "has_unpublished_changes")),
    )
    assert response.status_code in (302, 403)
    report = MinistryReport.objects.filter(fiscal_year=2026).first()
    assert report is None or report.live is False
    assert report is None or paragraphs(report) == []


def test_moderators_publish_directly(client):
    client.force_login(make_user("narrative-moderator", groups=["Moderators"]))
    response = client.post(
        reverse(f"{SNIPPET}:add"), form(action="publish", next_steps=["<p>来年度も継続</p>"])
    )
    assert response.status_code == 302
    report = MinistryReport.objects.get(fiscal_year=2026)
    assert report.live
    assert paragraphs(report) == [["来年度も継続"]]


def test_one_narrative_per_fiscal_year(client):
    make_report(background=[text("<p>既存</p>")])
    client.force_login(make_user("narrative-staff", groups=["Staff"]))
    response = client.post(reverse(f"{SNIPPET}:add"), form(background=["<p>二つ目</p>"]))
    assert response.status_code == 200
    assert "fiscal_year" in response.context["form"].errors
    assert MinistryReport.objects.count() == 1


def test_coordinators_read_the_narrative_but_cannot_edit_it(client):
    report = make_report(background=[text("<p>背景の本文</p>")])
    client.force_login(make_user("narrative-coordinator", groups=["Coordinators"]))
    listing = client.get(reverse(f"{SNIPPET}:list"))
    assert listing.status_code == 200
    assert reverse(f"{SNIPPET}:inspect", args=[report.pk]) in listing.content.decode()
    inspect = client.get(reverse(f"{SNIPPET}:inspect", args=[report.pk]))
    assert inspect.status_code == 200
    assert "背景の本文" in inspect.content.decode()
    refused = client.get(reverse(f"{SNIPPET}:edit", args=[report.pk]))
    assert refused.status_code in (302, 403)
    assert refused.status_code == 403 or refused["Location"] == "/admin/"
    assert client.post(reverse(f"{SNIPPET}:add"), form(2027)).status_code in (302, 403)
    assert not MinistryReport.objects.filter(fiscal_year=2027).exists()


def test_editors_have_no_access_to_the_narrative(client):
    report = make_report(background=[text("<p>背景</p>")])
    client.force_login(make_user("narrative-editor", groups=["Editors"]))
    assert client.get("/admin/").status_code == 200
    for url in (
        reverse(f"{SNIPPET}:list"),
        reverse(f"{SNIPPET}:inspect", args=[report.pk]),
        reverse(f"{SNIPPET}:edit", args=[report.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403 or response["Location"] == "/admin/", url
