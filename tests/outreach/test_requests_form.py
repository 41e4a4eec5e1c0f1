"""The public 「相談する」 form: no account, Japanese first, each way of being answered, what is
kept and what is not, the honeypot, the per-client limit and the size limits."""

import pytest
from django.core import mail
from wagtail.models import ModelLogEntry

from core.time import fiscal_year_of, local_date, month_key
from outreach.models import ConsultationRequest
from outreach.models.requests import BODY_MAX, hash_token
from outreach.services.requests import SUBMIT_LIMIT
from outreach.web.clients import client_address, client_key

pytestmark = pytest.mark.django_db

URL = "/soudan/"
Request = ConsultationRequest


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def form_data(**overrides) -> dict:
    data = {
        "writer": "self",
        "body": "学校に行けていません。勉強のことを相談したいです。",
        "reply_by": "page",
        "email": "",
        "phone": "",
        "name": "",
        "source": "",
        "website": "",
    }
    data.update(overrides)
    return data


def post(client, ip="198.51.100.7", **overrides):
    return client.post(URL, form_data(**overrides), REMOTE_ADDR=ip)


def test_the_form_speaks_japanese_first_and_needs_no_account(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>相談する</h1>" in html
    assert 'name="writer"' in html and 'name="body"' in html
    assert 'maxlength="4000"' in html
    # What happens next, and that it is private.
    assert "読むのはセンターのスタッフだけです" in html and "このあと" in html
    # Open Graph card for a link shared on Instagram or Facebook.
    assert '<meta property="og:title" content="相談する">' in html
    assert 'property="og:url" content="http://testserver/soudan/"' in html
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_every_page_links_to_the_form(client, index):
    html = client.get("/").content.decode()
    assert html.count('href="/soudan/"') == 2  # the menu and the footer


def test_a_link_from_instagram_prefills_where_they_heard_of_us(client):
    response = client.get(URL + "?from=instagram")
    assert response.context["form"]["source"].value() == "instagram"
    assert client.get(URL + "?from=fb").context["form"]["source"].value() == "facebook"
    assert client.get(URL + "?from=somewhere").context["form"]["source"].value() == ""


def test_a_private_page_request_is_stored_and_its_link_shown_once(client):
    response = post(client, topics=["study", "school"], name="ゆう", source="instagram")
    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    stored = Request.objects.get()
    assert stored.code.startswith("R-") and len(stored.code) == 8
    assert (stored.writer, stored.reply_by, stored.channel) == ("self", "page", "form")
    assert stored.status == Request.Status.NEW
    assert stored.topics == ["study", "school"]
    assert stored.name == "ゆう" and stored.source == "instagram" and stored.language == "ja"
    day = local_date(stored.received_at)
    assert (stored.fiscal_year, stored.month) == (fiscal_year_of(day), month_key(day))
    page_url = response.context["page_url"]
    token = page_url.rsplit("/r/", 1)[1].strip("/")
    assert page_url == f"http://testserver/soudan/r/{token}/"
    assert page_url in response.content.decode()
    # Only the hash is kept, and it opens the page.
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    assert client.get(f"/soudan/r/{token}/").status_code == 200
    # Not the address: a keyed hash of it.
    assert stored.client_key and "198.51.100.7" not in stored.client_key
    assert mail.outbox == []
    entry = ModelLogEntry.objects.get(object_id=str(stored.pk), action="wagtail.create")
    assert entry.user is None and entry.data == {"detail": "form"}


def test_an_anonymous_writer_keeps_no_name(client):
    post(client, name="山田はなこ", anonymous="on")
    stored = Request.objects.get()
    assert stored.anonymous is True and stored.name == ""


def test_email_is_required_only_when_chosen(client, django_capture_on_commit_callbacks):
    response = post(client, reply_by="email")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["返事を送るメールアドレスを書いてください。"]
    }
    assert not Request.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, reply_by="email", email="ｈａｎａ@example.org", phone="0856")
    stored = Request.objects.get()
    # NFKC: the full-width address is the half-width one; the unused phone is not kept.
    assert stored.email == "hana@example.org" and stored.phone == ""
    assert stored.token_hash  # e-mail writers get a private page too, by mail
    assert "page_url" in response.context and response.context["page_url"] == ""
    assert "hana@example.org" in response.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["hana@example.org"]


def test_phone_is_required_only_when_chosen_and_full_width_digits_become_half_width(client):
    response = post(client, reply_by="phone")
    assert response.context["form"].errors == {"phone": ["電話をかける番号を書いてください。"]}
    response = post(client, reply_by="phone", phone="０８５６ー３１ー００００", email="a@b.jp")
    assert response.status_code == 200
    stored = Request.objects.get()
    assert stored.phone == "0856-31-0000" and stored.email == ""
    assert stored.token_hash is None  # to be phoned: no page
    assert response.context["page_url"] == ""
    assert "0856-31-0000" in response.content.decode()


def test_a_malformed_phone_number_is_refused(client):
    response = post(client, reply_by="phone", phone="12")
    assert list(response.context["form"].errors) == ["phone"]
    assert not Request.objects.exists()


def test_the_message_and_who_is_writing_are_required(client):
    response = post(client, body="   ", writer="")
    assert set(response.context["form"].errors) == {"body", "writer"}
    assert not Request.objects.exists()


@pytest.mark.parametrize("writer", [choice for choice, _label in Request.Writer.choices])
@pytest.mark.parametrize("reply_by", ["page", "email", "phone"])
def test_each_writer_and_each_way_of_answering(client, writer, reply_by):
    contact = {"email": "w@example.org"} if reply_by == "email" else {}
    contact |= {"phone": "090-1234-5678"} if reply_by == "phone" else {}
    response = post(client, writer=writer, reply_by=reply_by, **contact)
    assert response.status_code == 200
    stored = Request.objects.get()
    assert (stored.writer, stored.reply_by) == (writer, reply_by)
    assert bool(stored.token_hash) == (reply_by != "phone")


def test_a_bot_filling_the_honeypot_gets_the_same_page_and_nothing_is_kept(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client, website="http://spam.example", reply_by="email", email="bot@example.org"
        )
    assert response.status_code == 200
    assert response.templates[0].name == "outreach/web/request_sent.html"
    assert not Request.objects.exists()
    assert mail.outbox == []
    response = post(client, website="x")
    fake = response.context["page_url"].rsplit("/r/", 1)[1].strip("/")
    assert fake and client.get(f"/soudan/r/{fake}/").status_code == 404


def test_the_sixth_request_from_one_client_in_an_hour_is_refused_kindly(client, settings):
    settings.OUTREACH_CENTRE_PHONE = "0856-31-0000"
    for _n in range(SUBMIT_LIMIT):
        assert post(client, ip="203.0.113.5").status_code == 200
    response = post(client, ip="203.0.113.5", body="六通目のメッセージです")
    assert response.status_code == 429
    html = response.content.decode()
    assert "少し時間をおいて" in html
    assert 'href="tel:0856-31-0000"' in html
    assert "六通目のメッセージです" in html  # what they typed is not lost
    assert Request.objects.count() == SUBMIT_LIMIT
    # The form itself says so before anything is typed.
    assert client.get(URL, REMOTE_ADDR="203.0.113.5").status_code == 429
    # Another client is not affected.
    assert post(client, ip="203.0.113.99").status_code == 200
    assert Request.objects.count() == SUBMIT_LIMIT + 1


def test_the_limit_counts_the_client_behind_the_trusted_proxy(client, settings, rf):
    settings.TRUSTED_PROXY_COUNT = 1
    request = rf.get(URL, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.8")
    assert client_address(request) == "203.0.113.8"  # the hop the proxy added, not the forged one
    for _n in range(SUBMIT_LIMIT):
        client.post(
            URL,
            form_data(),
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"6.6.6.{_n}, 203.0.113.8",
        )
    assert Request.objects.count() == SUBMIT_LIMIT
    refused = client.post(
        URL, form_data(), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.8"
    )
    assert refused.status_code == 429
    other = client.post(
        URL, form_data(), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert other.status_code == 200


def test_without_a_trusted_proxy_forwarded_for_is_ignored(settings, rf):
    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get(URL, REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert client_address(request) == "198.51.100.1"
    v6 = rf.get(URL, REMOTE_ADDR="2001:db8:1:2:3:4:5:6")
    assert client_address(v6) == "2001:db8:1:2::"
    assert client_key(request) != "198.51.100.1" and len(client_key(request)) == 64


def test_a_message_over_the_limit_is_a_form_error(client):
    response = post(client, body="あ" * (BODY_MAX + 1))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["body"]
    assert not Request.objects.exists()


def test_an_oversized_post_is_a_clear_400(client):
    response = post(client, body="あ" * 30_000)  # 90 kB in UTF-8
    assert response.status_code == 400
    assert "長すぎて" in response.content.decode()
    assert not Request.objects.exists()


def test_english_visitors_get_english_and_their_language_is_kept(english):
    html = english.get(URL).content.decode()
    assert "<h1>Talk to us</h1>" in html
    post(english)
    assert Request.objects.get().language == "en"
