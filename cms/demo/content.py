"""The demo site's content: believable programmes of the Masuda learning support."""

import datetime as dt

import recurrence

SCHOOLS = [
    ("益田高校", "益田高", False),
    ("翔陽高校", "翔陽高", False),
    ("明誠高校", "明誠高", False),
    ("益田東高校", "益田東高", False),
    ("益田養護学校", "益田養護", True),
]


def weekly(*days, interval=1):
    return recurrence.Recurrence(
        rrules=[recurrence.Rule(recurrence.WEEKLY, interval=interval, byday=list(days))]
    )


def monthly_first(day):
    return recurrence.Recurrence(rrules=[recurrence.Rule(recurrence.MONTHLY, byday=[day(1)])])


HOME_INTRO = (
    "学校に行っていても、行っていなくても。益田市の「学び場」は、高校生年代のみなさんが"
    "自分のペースで学べる無料の場所です。自習スペース、理科実験、フィールドワーク、"
    "まちづくりのプロジェクト、オンライン学習、学習相談があります。"
)

PROGRAM_INDEX_INTRO = (
    "気になるものから、ひとつだけでも。予約は2タップ、キャンセルもいつでもできます。"
)

PROGRAMS = [
    {
        "slug": "science-water",
        "title": "理科実験「水のふしぎ」",
        "kind": "science",
        "label": "Science",
        "summary": "身近な水で表面張力や浸透圧を確かめる実験です。白衣もゴーグルも用意しています。",
        "place": "益田市ユースサポートセンター 実験室",
        "schedule": weekly(recurrence.SA),
        "start": dt.time(14, 0),
        "minutes": 90,
        "places": 8,
        "bring": ["筆記用具", "汚れてもよい服"],
    },
    {
        "slug": "science-microscope",
        "title": "理科実験「顕微鏡でみるミクロの世界」",
        "kind": "science",
        "label": "Microscope",
        "summary": "高津川の水にいる小さな生き物を顕微鏡で観察し、スケッチします。",
        "place": "益田市ユースサポートセンター 実験室",
        "schedule": weekly(recurrence.SU, interval=2),
        "start": dt.time(13, 30),
        "minutes": 120,
        "places": 6,
        "bring": ["筆記用具"],
    },
    {
        "slug": "fieldwork-takatsu-river",
        "title": "フィールドワーク「高津川の水辺を歩く」",
        "kind": "fieldwork",
        "label": "Fieldwork",
        "summary": "日本一の清流・高津川で水質を調べ、川と暮らしのつながりを考えます。保護者の同意書が必要です。",
        "place": "高津川河川敷（集合：益田駅前）",
        "schedule": monthly_first(recurrence.SA),
        "start": dt.time(9, 30),
        "minutes": 180,
        "places": 12,
        "bring": ["飲み物", "帽子", "歩きやすい靴", "タオル"],
    },
    {
        "slug": "fieldwork-old-town",
        "title": "フィールドワーク「益田のまち並み探検」",
        "kind": "fieldwork",
        "label": "Old town",
        "summary": "雪舟ゆかりの地や古い町並みを歩き、写真と地図でまちの歴史を記録します。",
        "place": "益田市内（集合：ユースサポートセンター）",
        "schedule": monthly_first(recurrence.SU),
        "start": dt.time(10, 0),
        "minutes": 150,
        "places": 10,
        "bring": ["飲み物", "スマートフォン（写真用・なくても可）"],
    },
    {
        "slug": "pbl-revive-town",
        "title": "PBL「益田のまちを元気にするプロジェクト」",
        "kind": "pbl",
        "label": "PBL",
        "summary": "グループでまちの課題を見つけ、解決のアイデアを形にします。最後は市役所で発表します。",
        "place": "益田市ユースサポートセンター 会議室",
        "schedule": weekly(recurrence.WE),
        "start": dt.time(17, 0),
        "minutes": 90,
        "places": 10,
        "bring": ["筆記用具"],
    },
    {
        "slug": "pbl-shopping-street",
        "title": "PBL「商店街の空き店舗活用アイデア」",
        "kind": "pbl",
        "label": "Main street",
        "summary": "商店街の方にインタビューし、空き店舗を使った企画を考えます。",
        "place": "駅前商店街 交流スペース",
        "schedule": weekly(recurrence.FR),
        "start": dt.time(17, 30),
        "minutes": 90,
        "places": 8,
        "bring": ["筆記用具"],
    },
    {
        "slug": "online-study-room",
        "title": "オンライン自習室",
        "kind": "online",
        "label": "Online",
        "summary": "家からつないで一緒に自習。カメラはオフでも大丈夫。質問はチャットでどうぞ。",
        "place": "",
        "schedule": recurrence.Recurrence(
            rrules=[
                recurrence.Rule(
                    recurrence.WEEKLY,
                    byday=[
                        recurrence.MO,
                        recurrence.TU,
                        recurrence.WE,
                        recurrence.TH,
                        recurrence.FR,
                    ],
                )
            ]
        ),
        "start": dt.time(20, 0),
        "minutes": 60,
        "places": 20,
        "meeting_url": "https://meet.example.org/manabiba-study-room",
        "bring": ["インターネットにつながる端末"],
    },
    {
        "slug": "online-english",
        "title": "オンライン英語もくもく会",
        "kind": "online",
        "label": "English",
        "summary": "英語の課題や資格の勉強を、オンラインで一緒に進めます。大学生スタッフが質問に答えます。",
        "place": "",
        "schedule": weekly(recurrence.TU, recurrence.TH),
        "start": dt.time(19, 0),
        "minutes": 60,
        "places": 15,
        "meeting_url": "https://meet.example.org/manabiba-english",
        "bring": ["教科書や問題集"],
    },
    {
        "slug": "consultation-one-to-one",
        "title": "学習相談（個別）",
        "kind": "consultation",
        "label": "Talk",
        "summary": "勉強のこと、これからのこと。スタッフと1対1で話せます。話したくなったときにどうぞ。",
        "place": "益田市ユースサポートセンター 相談室",
        "schedule": weekly(recurrence.MO, recurrence.WE, recurrence.FR),
        "start": dt.time(16, 0),
        "minutes": 50,
        "places": 1,
        "bring": [],
    },
    {
        "slug": "consultation-equivalency-exam",
        "title": "高卒認定試験・進路の相談",
        "kind": "consultation",
        "label": "Next steps",
        "summary": "高卒認定試験の受け方、就職や進学の準備について、個別に相談できます。",
        "place": "益田市ユースサポートセンター 相談室",
        "schedule": weekly(recurrence.SA),
        "start": dt.time(10, 0),
        "minutes": 50,
        "places": 1,
        "bring": [],
    },
]

CONTENT_PAGES = [
    {
        "slug": "about",
        "title": "学び場について",
        "summary": "益田市と地域の高校、ユースサポートセンターが一緒に運営する学びの場です。",
        "text": (
            "<p>学び場は、高校を離れた人や、学校に行きづらさを感じている高校生年代の人のための、"
            "無料の学習支援です。自習スペースは平日の放課後と土日に開いています。</p>"
            "<p>益田高校、翔陽高校、明誠高校、益田東高校、益田養護学校と連携しています。"
            "どこの学校にも通っていない人も利用できます。</p>"
        ),
    },
    {
        "slug": "for-guardians",
        "title": "保護者の方へ",
        "summary": "18歳未満の方が参加するときは、はじめに保護者の同意書をお願いしています。",
        "text": (
            "<p>18歳未満の方の参加には、保護者の方の同意書が必要です。初めて来たときに"
            "スタッフがご案内します。フィールドワークなど屋外の活動も同意書の範囲で行います。</p>"
        ),
    },
    {
        "slug": "privacy",
        "title": "個人情報の取り扱い",
        "summary": "集める情報は必要最小限にし、学校や市への報告は人数の集計だけです。",
        "text": (
            "<p>予約に使うのはニックネーム、学校（任意）、生まれ年、連絡用メールアドレスだけです。"
            "ほかの利用者にあなたの名前や予約が見えることはありません。</p>"
            "<p>学校・教育委員会・福祉課への報告は人数の集計のみで、個人名は含みません。</p>"
        ),
    },
]
