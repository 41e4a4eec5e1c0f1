"""The writer's private page, `/soudan/r/<token>/`: the thread, a follow-up, closing the page;
a secret that only the writer holds, stored hashed, never cached, never leaked by a referrer."""

import datetime as dt

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from outreach import audit
from outreach.models import ConsultationRequest, RequestMessage
from outreach.models.requests import hash_token
from outreach.services.requests import FOLLOW_UP_LIMIT, reply
from tests.outreach.factories import NOW, make_request, make_role_user

pytestmark = pytest.mark.django_db

TOKEN = "k7QmX2pA-secret-token-of-the-writer"
Status = ConsultationRequest.Status


def page(token=TOKEN) -> str:
    return f"/soudan/r/{token}/"


def test_the_page_shows_the_first_message_and_every_reply_in_order(client):
    request = make_request(token=TOKEN, body="最初のメッセージです")
    staff = make_role_user("outreach-staff", first_name="担当", last_name="花子")
    reply(request, "センターからの返事です", by=staff, now=NOW + dt.timedelta(hours=1))
    RequestMessage.objects.create(
        request=request,
        author=RequestMessage.Author.REQUESTER,
        body="ありがとうございます",
        sent_at=NOW + dt.timedelta(hours=2),
    )
    response = client.get(page())
    assert response.status_code == 200
    html = response.content.decode()
    first, answer, thanks = (
        html.index("最初のメッセージです"),
        html.index("センターからの返事です"),
        html.index("ありがとうございます"),
    )
    assert first < answer < thanks
    # Staff are "the centre", never named.
    assert "センター</span>" in html
    assert staff.username not in html and "花子" not in html
    assert response["Referrer-Policy"] == "no-referrer"
    assert '<meta name="referrer" content="no-referrer">' in html
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert 'content="noindex, nofollow"' in html


def test_only_the_hash_is_stored_and_another_token_opens_nothing(client):
    mine = make_request(token=TOKEN, body="わたしの相談")
    other = make_request(token="another-writers-token-xyz", body="ほかの人の相談")
    assert mine.token_hash == hash_token(TOKEN) != TOKEN
    assert not ConsultationRequest.objects.filter(token_hash=TOKEN).exists()
    response = client.get(page("another-writers-token-xyz"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "ほかの人の相談" in html and "わたしの相談" not in html
    assert other.code not in html  # nothing of the request but its thread
    assert client.get(page(TOKEN[:-1])).status_code == 404


def test_an_unknown_or_revoked_link_is_the_same_kind_404(client):
    request = make_request(token=TOKEN)
    unknown = client.get(page("never-existed-token"))
    assert unknown.status_code == 404
    assert "このページは開けません" in unknown.content.decode()
    request.token_revoked_at = NOW
    request.save()
    revoked = client.get(page())
    assert revoked.status_code == 404
    # The same page, but for the path in the language switch.
    same = revoked.content.decode().replace(page(), page("never-existed-token"))
    assert same == unknown.content.decode()
    assert client.post(page(), {"body": "まだいますか"}).status_code == 404
    assert not RequestMessage.objects.exists()


def test_a_follow_up_is_kept_and_shown_and_brings_a_closed_request_back(client):
    request = make_request(token=TOKEN, status=Status.CLOSED, closed_at=NOW)
    response = client.post(page(), {"body": "　もう一度相談したいです　"})
    assert response.status_code == 302
    assert response.url == page() + "?sent=1#sent"
    assert response["Referrer-Policy"] == "no-referrer"
    message = RequestMessage.objects.get()
    assert (message.author, message.body, message.staff) == (
        "requester",
        "もう一度相談したいです",
        None,
    )
    request.refresh_from_db()
    assert request.status == Status.ONGOING and request.closed_at is None
    html = client.get(response.url).content.decode()
    assert "もう一度相談したいです" in html and "送りました" in html
    entry = ModelLogEntry.objects.filter(object_id=str(request.pk), action=audit.CHANGE_REQUEST)
    assert [e.data["detail"] for e in entry.order_by("pk")] == [
        "status: closed → ongoing",
        "follow-up",
    ]
    assert all(e.user is None for e in entry)


def test_a_follow_up_to_a_new_request_leaves_it_new(client):
    request = make_request(token=TOKEN)
    client.post(page(), {"body": "追加です"})
    request.refresh_from_db()
    assert request.status == Status.NEW


def test_an_empty_follow_up_is_a_form_error(client):
    make_request(token=TOKEN)
    response = client.post(page(), {"body": "   "})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["body"]
    assert not RequestMessage.objects.exists()


def test_follow_ups_are_limited_per_hour(client):
    request = make_request(token=TOKEN)
    # The view reads the clock: these messages are from its last few minutes.
    for n in range(FOLLOW_UP_LIMIT):
        RequestMessage.objects.create(
            request=request, author="requester", body=f"{n}", sent_at=timezone.now()
        )
    response = client.post(page(), {"body": "もう一通"})
    assert response.status_code == 200
    assert "少し時間をおく" in response.content.decode()
    assert RequestMessage.objects.count() == FOLLOW_UP_LIMIT


def test_an_oversized_follow_up_is_a_400(client):
    make_request(token=TOKEN)
    response = client.post(page(), {"body": "あ" * 30_000})
    assert response.status_code == 400
    assert not RequestMessage.objects.exists()


def test_the_writer_closes_the_page_and_the_link_stops_working(client):
    request = make_request(token=TOKEN)
    assert client.get(page() + "close/").status_code == 405
    response = client.post(page() + "close/")
    assert response.status_code == 200
    assert "ページを閉じました" in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"
    request.refresh_from_db()
    assert request.token_revoked_at is not None and not request.page_open
    assert client.get(page()).status_code == 404
    entry = ModelLogEntry.objects.get(object_id=str(request.pk), action=audit.REVOKE_LINK)
    assert entry.user is None and entry.data["detail"] == "by the writer"


def test_the_page_cache_never_keeps_a_private_page(client, settings):
    settings.PAGE_CACHE_ENABLED = True
    request = make_request(token=TOKEN, body="キャッシュされない相談")
    first = client.get(page())
    assert first.status_code == 200 and "X-Page-Cache" not in first
    request.token_revoked_at = NOW
    request.save()
    assert client.get(page()).status_code == 404  # served fresh, not from a cache
    form = client.get("/soudan/")
    assert form.status_code == 200 and "X-Page-Cache" not in form
