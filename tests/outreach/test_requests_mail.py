"""Mail to writers who chose e-mail: a confirmation with their private page's link, then each
staff reply, each exactly once, through the outbox; nothing of the centre's records."""

import pytest
from django.core import mail

from outreach.models import ConsultationRequest
from outreach.models.requests import RequestMail, hash_token
from outreach.services.request_links import mail_token, mailable_token, request_for_token
from outreach.services.requests import reply, revoke_link, submit_request
from outreach.services.requests_mail import mail_key, request_mail, send_request_mail
from tests.outreach.factories import NOW, make_case, make_request, make_role_user

pytestmark = pytest.mark.django_db

ReplyBy = ConsultationRequest.ReplyBy


@pytest.fixture
def staff(db):
    return make_role_user("outreach-staff", first_name="担当", last_name="花子")


def submit(**fields):
    defaults = {
        "writer": "guardian",
        "body": "娘が学校に行けていません。家では元気です。",
        "reply_by": ReplyBy.EMAIL,
        "email": "parent@example.org",
        "now": NOW,
    }
    return submit_request(**{**defaults, **fields})


def test_an_email_writer_gets_a_confirmation_with_a_link_that_opens_their_page(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request, token = submit()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["parent@example.org"]
    assert message.subject == "[学び場] メッセージを受け取りました"
    link = f"http://127.0.0.1:8000/soudan/r/{token}/"
    assert link in message.body
    assert "娘が学校に行けていません" not in message.body  # the mail does not repeat the message
    assert request.token_hash == hash_token(token)
    assert request_for_token(token) == request
    assert message.extra_headers["X-Manabiba-Key"] == mail_key(request.pk, "received")
    assert RequestMail.objects.get().sent_at is not None


def test_each_staff_reply_is_mailed_once_with_the_link_and_nothing_else(
    staff, django_capture_on_commit_callbacks
):
    request, token = submit()
    make_case(staff=[staff], request=request, nickname="ひかり")
    with django_capture_on_commit_callbacks(execute=True):
        answer = reply(request, "来週、センターでお話ししませんか。", by=staff, now=NOW)
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "[学び場] センターからの返事"
    assert "来週、センターでお話ししませんか。" in body
    assert f"/soudan/r/{token}/" in body
    # No staff name, no case, no note.
    for secret in (staff.username, "花子", "ひかり", "C-T"):
        assert secret not in body
    answer.refresh_from_db()
    assert answer.mailed_at is not None
    # The task run again (a retry, a requeued worker) sends nothing more.
    assert request_mail.call(request.pk, "reply", answer.pk) is False
    assert send_request_mail(request.pk, "reply", answer.pk) is False
    assert len(mail.outbox) == 1


def test_running_the_task_twice_sends_one_mail_even_before_mailed_at(staff):
    request, _token = submit()
    answer = reply(request, "お返事です", by=staff, now=NOW)
    # The in-process backend has not run it (no commit in this test): run it by hand, twice.
    assert request_mail.call(request.pk, "reply", answer.pk) is True
    assert request_mail.call(request.pk, "reply", answer.pk) is False
    assert [m.body.count("お返事です") for m in mail.outbox] == [1]


def test_replies_to_a_page_writer_are_not_mailed(staff, django_capture_on_commit_callbacks):
    request = make_request(token="page-writer-token", email="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        reply(request, "ページで返事をします", by=staff, now=NOW)
    assert callbacks == []
    assert mail.outbox == []


def test_a_closed_page_is_not_linked_any_more(staff, django_capture_on_commit_callbacks):
    request, token = submit()
    revoke_link(request, by=staff, now=NOW)
    request.refresh_from_db()
    assert mailable_token(request) == ""
    with django_capture_on_commit_callbacks(execute=True):
        reply(request, "お返事です", by=staff, now=NOW)
    body = mail.outbox[-1].body
    assert token not in body and "/soudan/r/" not in body
    assert "http://127.0.0.1:8000/soudan/" in body


def test_a_new_secret_key_drops_the_link_unless_the_old_one_is_a_fallback(settings):
    request, token = submit()
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-key-for-the-test"
    assert mailable_token(request) == ""
    settings.SECRET_KEY_FALLBACKS = [old]
    assert mailable_token(request) == token == mail_token(request, secret=old)


def test_english_writers_get_english_first_then_japanese(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(language="en")
    message = mail.outbox[0]
    assert message.subject == "[学び場] We received your message"
    english, japanese = message.body.split("----------")
    assert "Your message has reached us" in english and "メッセージは届いています" in japanese


def test_a_refused_mail_releases_its_claim(staff, monkeypatch):
    request, _token = submit()
    answer = reply(request, "お返事です", by=staff, now=NOW)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("outreach.services.requests_mail._deliver", refuse)
    with pytest.raises(ConnectionRefusedError):
        send_request_mail(request.pk, "reply", answer.pk)
    assert not RequestMail.objects.exists()
    answer.refresh_from_db()
    assert answer.mailed_at is None
    monkeypatch.undo()
    assert send_request_mail(request.pk, "reply", answer.pk) is True
    assert len(mail.outbox) == 1
