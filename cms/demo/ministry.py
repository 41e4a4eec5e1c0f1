"""The demo's ministry report: last fiscal year's narrative, written and published, and this
year's begun as a draft, so that Reports → 文部科学省への報告 shows both states and a download
has text beside the demo's figures (cms/demo/history.py). Written for the demo, in the shape of
the city's report: short paragraphs per section of the ministry's template."""

import datetime as dt

from wagtail.rich_text import RichText

from core.time import fiscal_year_of, local_date
from ministry.models import MinistryReport

LAST_YEAR = {
    "background": [
        "市内の高校を中途退学した人や不登校傾向の生徒が、学びや人とのつながりから離れたまま"
        "にならないよう、高校卒業程度の学びと進路の相談を地域で支える場が必要でした。",
    ],
    "activities": [
        "放課後と週末の学習スペース、理科実験、フィールドワーク、まちの再生をテーマにした"
        "PBL、オンライン学習、一対一の学習相談を行いました。",
        "参加の予約はスマートフォンから行い、当日は受付で二次元コードによる出席確認をしました。",
    ],
    "pandemic_response": [
        "感染が広がった時期はオンライン学習室に切り替え、対面の定員を減らして続けました。",
    ],
    "reaching_participants": [
        "五つの高校と教育委員会、福祉の窓口から紹介を受け、本人や保護者が都合のよい時に"
        "送れる相談フォームを設けました。",
    ],
    "publicity": [
        "市の広報とInstagramで予定を知らせ、投稿から直接予約できるようにしました。",
    ],
    "results": [
        "継続して参加する人が増え、高卒認定試験の受験や再登校につながった例がありました。",
    ],
    "next_steps": [
        "学校に通っていない人への周知と、保護者からの相談の受け止め方を強めます。",
    ],
    "organisation": [
        "学習支援コーディネーター、学習支援員、ユースワーカーが、五校連絡会、教育委員会、"
        "福祉と連携して運営しました。",
    ],
}

THIS_YEAR_DRAFT = {
    "background": ["（下書き）昨年度の課題を踏まえ、今年度は相談の受け付けを広げています。"],
}


def _blocks(paragraphs: list[str]) -> list[tuple[str, RichText]]:
    return [("paragraph", RichText(f"<p>{text}</p>")) for text in paragraphs]


def seed_ministry_report(*, now: dt.datetime) -> int:
    """Create the two narratives once; returns how many were written (0 on a second run)."""
    this_year = fiscal_year_of(local_date(now))
    if MinistryReport.objects.filter(fiscal_year__in=(this_year - 1, this_year)).exists():
        return 0
    published = MinistryReport(
        fiscal_year=this_year - 1,
        live=False,
        **{name: _blocks(text) for name, text in LAST_YEAR.items()},
    )
    published.save()
    published.save_revision().publish()
    draft = MinistryReport(
        fiscal_year=this_year,
        live=False,
        **{name: _blocks(text) for name, text in THIS_YEAR_DRAFT.items()},
    )
    draft.save()
    draft.save_revision()
    return 2
