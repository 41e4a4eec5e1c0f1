"""The staff inbox of consultation requests in the admin: who reaches it, what each role sees,
and that every view and change is audited."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from outreach import audit
from outreach.models import ConsultationRequest, RequestMessage
from outreach.services.requests import submit_request
from tests.factories import make_user
from tests.outreach.factories import NOW, ROLES, make_request, make_role_user

pytestmark = pytest.mark.django_db

Status = ConsultationRequest.Status
LIST = "/admin/outreach/requests/"
HANDLERS = {"outreach-staff", "outreach-lead"}


def detail(request) -> str:
    return reverse("outreach_request", args=[request.code])


def logged(request, action):
    return ModelLogEntry.objects.filter(object_id=str(request.pk), action=action).order_by("pk")


def login(client, user):
    client.force_login(user)
    return client


def test_the_urls_are_where_the_brief_says():
    assert reverse("outreach_requests") == LIST
    assert reverse("outreach_request", args=["R-ABC234"]) == LIST + "R-ABC234/"


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_reaches_the_inbox_only_with_handle_requests(client, role):
    request = make_request(body="見られてはいけない相談です")
    login(client, make_role_user(role))
    listing = client.get(LIST)
    page = client.get(detail(request))
    if role in HANDLERS:
        assert listing.status_code == 200 and page.status_code == 200
        assert request.code in listing.content.decode()
        assert "見られてはいけない相談です" in page.content.decode()
        assert logged(request, audit.VIEW_REQUEST).count() == 1
    else:
        # Wagtail turns the refusal into a redirect to the dashboard, or to the login page
        # for accounts without admin access.
        assert listing.status_code == 302 and page.status_code == 302
        assert "見られてはいけない相談です" not in client.get(page.url).content.decode()
        assert not logged(request, audit.VIEW_REQUEST).exists()


def test_the_menu_item_shows_to_request_handlers_only(client):
    login(client, make_role_user("outreach-staff"))
    # The admin menu is rendered from JSON by Wagtail's scripts.
    assert '"/admin/outreach/requests/"' in client.get("/admin/").content.decode()
    other = make_role_user("committee")
    client.force_login(other)
    home = client.get("/admin/")
    assert home.status_code == 200
    assert "/admin/outreach/requests/" not in home.content.decode()


def test_anonymous_visitors_and_students_are_sent_to_log_in(client):
    request = make_request()
    for url in (LIST, detail(request)):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response.url
    student = make_user("student")
    login(client, student)
    response = client.get(detail(request))
    assert response.status_code == 302
    assert not logged(request, audit.VIEW_REQUEST).exists()


def test_staff_see_their_own_and_unassigned_requests_leads_see_all(client):
    staff = make_role_user("outreach-staff")
    colleague = make_role_user("outreach-staff", "colleague")
    lead = make_role_user("outreach-lead")
    mine = make_request(assigned_to=staff)
    shared = make_request()
    theirs = make_request(assigned_to=colleague)
    login(client, staff)
    codes = [r.code for r in client.get(LIST).context["page"]]
    assert sorted(codes) == sorted([mine.code, shared.code])
    # Someone else's request is a 404, not a "forbidden" that confirms it exists.
    assert client.get(detail(theirs)).status_code == 404
    assert (
        client.post(
            reverse("outreach_request_reply", args=[theirs.code]), {"body": "x"}
        ).status_code
        == 404
    )
    assert not logged(theirs, audit.VIEW_REQUEST).exists()
    login(client, lead)
    codes = [r.code for r in client.get(LIST).context["page"]]
    assert sorted(codes) == sorted([mine.code, shared.code, theirs.code])
    assert client.get(detail(theirs)).status_code == 200


def test_the_list_filters_by_status_and_by_me(client):
    staff = make_role_user("outreach-staff")
    new = make_request()
    ongoing = make_request(status=Status.ONGOING, assigned_to=staff)
    closed = make_request(status=Status.CLOSED)
    login(client, staff)

    def codes(query=""):
        return sorted(r.code for r in client.get(LIST + query).context["page"])

    assert codes() == sorted([new.code, ongoing.code])  # open ones by default
    assert codes("?status=closed") == [closed.code]
    assert codes("?status=new") == [new.code]
    assert codes("?status=all") == sorted([new.code, ongoing.code, closed.code])
    assert codes("?mine=on") == [ongoing.code]
    assert codes("?status=bogus&p=abc") == sorted([new.code, ongoing.code])


def test_the_list_shows_no_message_text(client):
    make_request(body="一覧には出ない本文")
    login(client, make_role_user("outreach-staff"))
    response = client.get(LIST)
    assert response.status_code == 200
    assert len(response.context["page"]) == 1
    assert "一覧には出ない本文" not in response.content.decode()


def test_a_staff_reply_shows_on_the_writers_page_and_their_follow_up_in_the_inbox(
    client, django_capture_on_commit_callbacks
):
    staff = make_role_user("outreach-staff")
    request = make_request(token="writer-token-123")
    staff_client = login(client.__class__(), staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("outreach_request_reply", args=[request.code]), {"body": "お返事です。"}
        )
    assert response.status_code == 302 and response.url == detail(request) + "#thread"
    assert mail.outbox == []  # a page writer is not mailed
    request.refresh_from_db()
    assert request.status == Status.CONTACTED
    assert [e.user for e in logged(request, audit.REPLY_REQUEST)] == [staff]
    page = client.get("/soudan/r/writer-token-123/").content.decode()
    assert "お返事です。" in page
    client.post("/soudan/r/writer-token-123/", {"body": "わかりました、行きます"})
    inbox = staff_client.get(detail(request)).content.decode()
    assert inbox.index("お返事です。") < inbox.index("わかりました、行きます")
    listing = staff_client.get(LIST)
    assert listing.context["page"][0].waiting is True


def test_an_email_writer_gets_the_reply_by_mail_from_the_inbox(
    client, django_capture_on_commit_callbacks
):
    request, _token = submit_request(
        writer="self", body="相談", reply_by="email", email="me@example.org", now=NOW
    )
    login(client, make_role_user("outreach-staff"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("outreach_request_reply", args=[request.code]), {"body": "返事です"})
    assert [m.to for m in mail.outbox] == [["me@example.org"]]
    assert "返事です" in mail.outbox[0].body
    page = client.get(detail(request)).content.decode()
    assert "メール送信済み" in page or "mailed" in page


def test_status_changes_are_audited(client):
    staff = make_role_user("outreach-staff")
    request = make_request()
    login(client, staff)
    url = reverse("outreach_request_status", args=[request.code])
    assert client.post(url, {"status": "closed"}).status_code == 302
    request.refresh_from_db()
    assert request.status == Status.CLOSED and request.closed_at is not None
    client.post(url, {"status": "ongoing"})
    request.refresh_from_db()
    assert request.status == Status.ONGOING and request.closed_at is None
    details = [e.data["detail"] for e in logged(request, audit.CHANGE_REQUEST)]
    assert details == ["status: new → closed", "status: closed → ongoing"]
    assert client.post(url, {"status": "bogus"}).status_code == 302
    request.refresh_from_db()
    assert request.status == Status.ONGOING


def test_staff_take_an_unassigned_request_and_cannot_give_it_to_someone_else(client):
    staff = make_role_user("outreach-staff")
    colleague = make_role_user("outreach-staff", "colleague")
    request = make_request()
    login(client, staff)
    url = reverse("outreach_request_assign", args=[request.code])
    client.post(url, {"user": colleague.pk})  # only a lead picks someone
    request.refresh_from_db()
    assert request.assigned_to is None
    client.post(url, {"take": "1"})
    request.refresh_from_db()
    assert request.assigned_to == staff
    assert (
        logged(request, audit.CHANGE_REQUEST).get().data["detail"] == f"assigned: {staff.username}"
    )
    # Taken: the colleague no longer sees it.
    login(client, colleague)
    assert client.get(detail(request)).status_code == 404
    login(client, staff)
    client.post(url, {"give_back": "1"})
    request.refresh_from_db()
    assert request.assigned_to is None


def test_a_lead_assigns_anyone_who_works_cases_and_nobody_else(client):
    lead = make_role_user("outreach-lead")
    staff = make_role_user("outreach-staff")
    committee = make_role_user("committee")
    request = make_request()
    login(client, lead)
    url = reverse("outreach_request_assign", args=[request.code])
    client.post(url, {"user": committee.pk})
    request.refresh_from_db()
    assert request.assigned_to is None
    client.post(url, {"user": staff.pk})
    request.refresh_from_db()
    assert request.assigned_to == staff
    form = client.get(detail(request)).context["assign_form"]
    choices = {user.username for user in form.fields["user"].queryset}
    assert {"outreach-staff", "outreach-lead"} <= choices and "committee" not in choices
    client.post(url, {"user": ""})
    request.refresh_from_db()
    assert request.assigned_to is None


def test_staff_revoke_the_writers_link(client):
    request = make_request(token="leaked-token-123")
    staff = make_role_user("outreach-staff")
    login(client, staff)
    response = client.post(reverse("outreach_request_revoke", args=[request.code]))
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.token_revoked_at is not None
    assert client.get("/soudan/r/leaked-token-123/").status_code == 404
    entry = logged(request, audit.REVOKE_LINK).get()
    assert entry.user == staff and entry.data["detail"] == "by the staff"


def test_staff_write_down_a_request_that_came_by_phone(client):
    staff = make_role_user("outreach-staff")
    login(client, staff)
    response = client.post(
        reverse("outreach_request_new"),
        {
            "channel": "phone",
            "writer": "guardian",
            "body": "息子のことで電話がありました",
            "reply_by": "phone",
            "phone": "０９０－１２３４－５６７８",
            "name": "田中",
            "source": "school",
        },
    )
    request = ConsultationRequest.objects.get()
    assert response.status_code == 302 and response.url == detail(request)
    assert (request.channel, request.phone, request.assigned_to) == (
        "phone",
        "090-1234-5678",
        staff,
    )
    assert request.status == Status.NEW and request.token_hash is None
    assert logged(request, "wagtail.create").get().user == staff


def test_a_request_written_down_for_a_private_page_shows_its_link_once(client):
    login(client, make_role_user("outreach-staff"))
    response = client.post(
        reverse("outreach_request_new"),
        {"channel": "sns", "writer": "self", "body": "DMで相談", "reply_by": "page"},
    )
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]
    page_url = response.context["page_url"]
    token = page_url.rsplit("/r/", 1)[1].strip("/")
    assert client.get(f"/soudan/r/{token}/").status_code == 200
    request = ConsultationRequest.objects.get()
    assert request.channel == "sns" and token not in (request.token_hash or "")
    assert token not in client.get(detail(request)).content.decode()


def test_a_message_waits_for_an_answer_when_the_writer_wrote_last(client):
    request = make_request(status=Status.CONTACTED)
    RequestMessage.objects.create(request=request, author="staff", body="a", sent_at=NOW)
    login(client, make_role_user("outreach-staff"))
    assert client.get(LIST).context["page"][0].waiting is False
    RequestMessage.objects.create(
        request=request, author="requester", body="b", sent_at=NOW + dt.timedelta(minutes=5)
    )
    assert client.get(LIST).context["page"][0].waiting is True
