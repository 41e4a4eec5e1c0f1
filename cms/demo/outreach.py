"""The demo's outreach: a few consultation requests of this fiscal year (from Instagram, a
school, a guardian's phone call), cases with home visits and support plans, a school's
referral and a committee meeting, written through the outreach services, as staff would, so
that the inbox, the cases, the committee's review and the figures all have something to show.
Every name, message and note here is made up."""

import datetime as dt

from core.models import School
from core.time import fiscal_year_bounds, fiscal_year_of, local_date, start_of_day
from outreach.models import ConsultationRequest
from outreach.services.cases import change_status, log_contact, set_next_action
from outreach.services.committee import record_meeting
from outreach.services.plans import revise_plan
from outreach.services.referrals import accept_referral, refer
from outreach.services.requests import open_case_from_request, reply, submit_request

# (days after 1 April, writer, source, topics, message, how to answer)
REQUESTS = [
    (
        12,
        "self",
        "instagram",
        ["school"],
        "朝になると学校に行けなくなります。話を聞いてほしいです。",
        "page",
    ),
    (
        40,
        "guardian",
        "facebook",
        ["school", "family"],
        "娘が2か月学校を休んでいます。家でどう接したらいいか相談したいです。",
        "email",
    ),
    (
        75,
        "self",
        "instagram",
        ["future"],
        "高卒認定を受けたいけど、何から始めればいいかわかりません。",
        "page",
    ),
    (
        110,
        "teacher",
        "school",
        ["study"],
        "欠席が増えている生徒がいます。センターの学習支援を紹介したいです。",
        "email",
    ),
    (
        150,
        "self",
        "line",
        ["friends", "health"],
        "人が多いところが苦手です。少人数で勉強できる場所はありますか。",
        "page",
    ),
]


def seed_outreach(*, users: dict, now: dt.datetime) -> int:
    """Create the demo's outreach once; returns how many requests it wrote (0 when there are
    already requests: a second run changes nothing)."""
    if ConsultationRequest.objects.exists():
        return 0
    staff, lead, liaison = users["outreach"], users["lead"], users["liaison"]
    today = local_date(now)
    first_day, _last = fiscal_year_bounds(fiscal_year_of(today))

    def moment(days: int, hour: int = 19) -> dt.datetime:
        day = min(first_day + dt.timedelta(days=days), today)
        return min(start_of_day(day) + dt.timedelta(hours=hour), now)

    requests = []
    for days, writer, source, topics, body, reply_by in REQUESTS:
        if first_day + dt.timedelta(days=days) > today:
            continue
        request, _token = submit_request(
            writer=writer,
            body=body,
            reply_by=reply_by,
            topics=topics,
            email="demo-guardian@example.org" if reply_by == "email" else "",
            source=source,
            now=moment(days),
        )
        requests.append((days, request))

    cases = []
    for index, (days, request) in enumerate(requests[:3]):
        answered = moment(days + 1, 10)
        reply(
            request,
            "メッセージありがとうございます。センターの者です。一度お話ししませんか。",
            by=staff,
            now=answered,
        )
        if index == 1:
            continue  # a guardian still talking it over
        case = open_case_from_request(
            request,
            nickname=["ひなた", "そうた", "みく"][index],
            situation="futoko" if index == 0 else "left",
            by=staff,
            now=moment(days + 3, 11),
        )
        cases.append((days, case))

    for days, case in cases:
        visit = first_day + dt.timedelta(days=days + 7)
        if visit <= today:
            log_contact(
                case,
                kind="home_visit",
                on=visit,
                reached=False,
                agreed="本人は出てこず。母親と玄関で話した。",
                by=staff,
                now=moment(days + 7, 17),
            )
        visit = visit + dt.timedelta(days=14)
        if visit <= today:
            log_contact(
                case,
                kind="home_visit",
                on=visit,
                reached=True,
                agreed="本人と10分話せた。次は学習スペースを一緒に見に行く。",
                by=staff,
                now=moment(days + 21, 17),
            )
            revise_plan(
                case,
                goals="週1回、学習スペースに来られるようになる。",
                review_on=min(visit + dt.timedelta(days=60), today + dt.timedelta(days=20)),
                actions=[
                    ("学習スペースへの同行", "centre"),
                    ("担任からの声かけ(月1回)", "school"),
                    ("保護者面談", "welfare"),
                ],
                by=staff,
                now=moment(days + 21, 18),
            )
            set_next_action(
                case, "電話で様子を聞く", today + dt.timedelta(days=3), by=staff, now=now
            )
    if len(cases) >= 2:
        days, case = cases[-1]
        on = min(first_day + dt.timedelta(days=days + 40), today)
        change_status(case, "preparing_exam", on=on, by=staff, now=now)

    school = School.objects.order_by("sort_order").first()
    if school is not None and getattr(liaison, "liaison", None) is not None:
        referred = refer(
            school=school,
            nickname="はると",
            grade=2,
            situation="futoko_risk",
            reason="5月から欠席が週2日ほど。本人は勉強の遅れを気にしている。",
            consent_on=today - dt.timedelta(days=10),
            consent_by="guardian",
            by=liaison,
            now=now - dt.timedelta(days=9),
        )
        accept_referral(referred, by=lead, now=now - dt.timedelta(days=8))
        refer(
            school=school,
            nickname="ゆい",
            grade=1,
            situation="futoko",
            reason="長期欠席。保護者が相談を希望。",
            consent_on=today - dt.timedelta(days=2),
            consent_by="guardian",
            by=liaison,
            now=now - dt.timedelta(days=1),
        )

    if cases:
        record_meeting(
            held_on=today - dt.timedelta(days=7),
            agenda="支援計画の見直し: " + "、".join(case.code for _days, case in cases),
            minutes="各ケースの状況を共有。学校とセンターの役割分担を確認した。",
            cases=[case for _days, case in cases],
            by=lead,
            now=now - dt.timedelta(days=7),
        )
    return len(requests)
