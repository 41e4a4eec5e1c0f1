"""#14, end to end in a real browser: a guardian writes from a phone without an account; staff
reply; the guardian reads the reply on the private page; staff turn the request into a case
with consent, log a home visit and write a plan; a school's liaison refers a student and sees
only that referral; the committee's review list shows case codes only; the figures count it
all.

The admin runs in Japanese: elements are found by name, id, URL and class, never by text."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import School
from core.time import local_date
from outreach.models import Case, ConsultationRequest, Contact, Referral, SupportPlan
from tests.browser.support import PHONE, BrowserWatch, log_in_to_admin, save_screenshot
from tests.factories import make_user
from tests.outreach.factories import make_liaison

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "outreach-flow-2026"
MESSAGE = "娘が2か月学校を休んでいます。どう接したらいいか相談したいです。"
REPLY = "お母さま、ご連絡ありがとうございます。センターの者です。一度お話ししませんか。"
NICKNAME = "ひなた"
VISIT_NOTE = "玄関で本人と5分話せた"
GOALS = "週1回、学習スペースに来る"


def form(page, url_name, *args):
    return page.locator(f"form[action='{reverse(url_name, args=args)}']")


def test_a_guardians_request_becomes_a_case_the_committee_reviews_by_code(browser, live_server):
    base = live_server.url
    masuda = School.objects.create(name="益田高校", sort_order=1)
    School.objects.create(name="明誠高校", sort_order=2)
    staff = make_user("centre-staff", groups=["Outreach staff"], password=PASSWORD)
    liaison = make_liaison(masuda, "masuda-liaison")
    liaison.set_password(PASSWORD)
    liaison.save()
    other_school = School.objects.get(name="明誠高校")
    other_liaison = make_liaison(other_school, "meisei-liaison")
    other_referral = Referral.objects.create(
        code="F-OTHER1",
        school=other_school,
        referred_by=other_liaison,
        referred_at=timezone.now(),
        nickname="ほかのこ",
        situation="left",
        reason="明誠の理由",
        consent_on=local_date(timezone.now()),
        consent_by="guardian",
    )
    make_user("committee-member", groups=["Committee"], password=PASSWORD)
    make_user("city-coordinator", groups=["Coordinators"], password=PASSWORD)

    # 1. A guardian, on a phone, from an Instagram link, no account.
    phone = browser.new_context(**PHONE)
    guardian = phone.new_page()
    watch = BrowserWatch(guardian, base)
    guardian.goto(base + "/soudan/?from=instagram")
    guardian.locator("input[name=writer][value=guardian]").check()
    guardian.locator("input[name=topics][value=school]").check()
    guardian.locator("textarea[name=body]").fill(MESSAGE)
    guardian.locator("input[name=reply_by][value=page]").check()
    guardian.locator("form.soudan-form button[type=submit]").click()
    guardian.wait_for_selector("#page-url")
    private_url = guardian.locator("#page-url").input_value()
    assert "/soudan/r/" in private_url
    request = ConsultationRequest.objects.get()
    assert (request.writer, request.source, request.channel) == ("guardian", "instagram", "form")
    assert private_url.rsplit("/", 2)[-2] not in (request.token_hash or "")
    watch.assert_clean()

    # 2. Centre staff reply from the inbox.
    desk = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    admin = desk.new_page()
    log_in_to_admin(admin, base, "centre-staff", PASSWORD)
    admin.goto(base + reverse("outreach_requests"))
    admin.locator(f"a[href='{reverse('outreach_request', args=[request.code])}']").first.click()
    admin.wait_for_url(f"**{reverse('outreach_request', args=[request.code])}")
    assert MESSAGE in admin.content()
    reply_form = form(admin, "outreach_request_reply", request.code)
    reply_form.locator("textarea[name=body]").fill(REPLY)
    reply_form.locator("button[type=submit]").click()
    admin.wait_for_load_state()

    # 3. The guardian reads the reply on the private page.
    guardian.goto(private_url)
    assert REPLY in guardian.content()
    assert "centre-staff" not in guardian.content()
    save_screenshot(guardian, "outreach-private-page")

    # 4. Staff open a case with consent, log a home visit, write a plan.
    admin.goto(base + reverse("outreach_request_case", args=[request.code]))
    open_case = form(admin, "outreach_request_case", request.code)
    open_case.locator("input[name=nickname]").fill(NICKNAME)
    open_case.locator("select[name=school]").select_option(str(masuda.pk))
    open_case.locator("select[name=situation]").select_option("futoko")
    open_case.locator("button[type=submit]").click()
    admin.wait_for_url("**/admin/outreach/cases/C-*/")
    case = Case.objects.get()
    assert case.request_id == request.pk and case.participant.nickname == NICKNAME

    today = local_date(timezone.now()).isoformat()
    consent = form(admin, "outreach_case_consent", case.code)
    consent.locator("input[name=on]").fill(today)
    consent.locator("button[type=submit]").click()
    admin.wait_for_load_state()
    contact = form(admin, "outreach_case_contact", case.code)
    contact.locator("select[name=kind]").select_option("home_visit")
    contact.locator("input[name=on]").fill(today)
    contact.locator("textarea[name=agreed]").fill(VISIT_NOTE)
    contact.locator("button[type=submit]").click()
    admin.wait_for_load_state()
    plan = form(admin, "outreach_case_plan", case.code)
    plan.locator("textarea[name=goals]").fill(GOALS)
    review_on = (local_date(timezone.now()) + dt.timedelta(days=14)).isoformat()
    plan.locator("input[name=review_on]").fill(review_on)
    plan.locator("input[name='actions-0-action']").fill("学習スペースへの同行")
    plan.locator("select[name='actions-0-responsible']").select_option("centre")
    plan.locator("button[type=submit]").click()
    admin.wait_for_load_state()
    case.refresh_from_db()
    assert case.consent_on is not None and case.consent_recorded_by == staff
    assert Contact.objects.get(case=case).agreed == VISIT_NOTE
    assert SupportPlan.objects.get(case=case).goals == GOALS
    assert VISIT_NOTE in admin.content() and GOALS in admin.content()
    save_screenshot(admin, "outreach-case")

    # 5. A liaison refers a student of their school and sees only that referral.
    school_desk = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    school_page = school_desk.new_page()
    log_in_to_admin(school_page, base, "masuda-liaison", PASSWORD)
    school_page.goto(base + reverse("outreach_referrals"))
    refer = form(school_page, "outreach_referrals")
    refer.locator("input[name=nickname]").fill("はると")
    refer.locator("input[name=grade]").fill("2")
    refer.locator("select[name=situation]").select_option("futoko_risk")
    refer.locator("textarea[name=reason]").fill("5月から欠席が週2日ほど")
    refer.locator("input[name=consent_on]").fill(today)
    refer.locator("select[name=consent_by]").select_option("guardian")
    refer.locator("button[type=submit]").click()
    school_page.wait_for_load_state()
    referral = Referral.objects.get(school=masuda)
    listing = school_page.content()
    assert referral.code in listing and other_referral.code not in listing
    response = school_page.goto(base + reverse("outreach_referral", args=[other_referral.code]))
    assert response.status == 404
    assert NICKNAME not in school_page.content() and VISIT_NOTE not in listing

    # 6. The committee's review list: codes and status, never a name or a note.
    committee = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    log_in_to_admin(committee, base, "committee-member", PASSWORD)
    committee.goto(base + reverse("outreach_review"))
    review = committee.content()
    assert case.code in review
    for secret in (NICKNAME, VISIT_NOTE, GOALS, MESSAGE, "益田高校"):
        assert secret not in review
    save_screenshot(committee, "outreach-review")

    # 7. The figures count all of it (the coordinator reads them suppressed, totals exact).
    coordinator = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    log_in_to_admin(coordinator, base, "city-coordinator", PASSWORD)
    coordinator.goto(base + reverse("outreach_figures"))
    assert coordinator.locator("#figure-requests").inner_text() == "1"
    assert coordinator.locator("#figure-reached").inner_text() == "1"
    assert coordinator.locator("#figure-cases").inner_text() == "1"
    assert coordinator.locator("#figure-referrals").inner_text() == "2"
    figures = coordinator.content()
    assert NICKNAME not in figures and "はると" not in figures
