"""Kinds as codes or as their labels (read from the translation catalogue, Japanese and
English), headers in English or Japanese in any order, full-width input anywhere."""

import pytest
from django.utils import translation

from attendance.models import Attendance
from attendance.services.importing import ImportFileError, import_attendance
from attendance.services.importing.values import kind_lookup
from booking.models import Participant
from core.text import nfkc
from programs.kinds import SupportKind

from .helpers import at, make_schools

pytestmark = pytest.mark.django_db

NOW = at(2026, 6, 10, 10)


def test_every_kind_is_known_by_its_code_and_both_labels():
    lookup = kind_lookup()
    for kind in SupportKind:
        assert lookup[kind.value] == kind.value
        for language in ("ja", "en"):
            with translation.override(language):
                assert lookup[nfkc(str(kind.label)).casefold()] == kind.value
    # What the Japanese catalogue says today:
    assert lookup["学習スペース"] == "study_space"
    assert lookup["理科実験"] == "science"
    assert lookup["学習相談"] == "consultation"
    assert lookup["open study space"] == "study_space"


def test_japanese_labels_full_width_and_half_width_import():
    schools = make_schools()
    data = "\n".join(
        [
            "参加者,学校,日付,区分",
            "Ｐ－９００１,益田高校,２０２５／５／１０,学習スペース",
            "P-9001,ﾏｽﾀﾞ高校,2025/5/11,PBL(課題解決型学習)",  # the catalogue says （…）
            "P-9001,益田高,2025/5/12,ＰＢＬ（課題解決型学習）",
            "P-9002,,R7.5.13,Online study",
            "P-9002,,R7.5.14,フィールドワーク",
        ]
    )
    with pytest.raises(ImportFileError) as caught:
        import_attendance(data.encode("cp932"), now=NOW)
    # Half-width katakana are NFKC'd too, but マスダ高校 is still not a partner school.
    assert [(p.line, p.column, p.value) for p in caught.value.problems] == [
        (3, "school", "マスダ高校")
    ]

    result = import_attendance(data.replace("ﾏｽﾀﾞ高校", "").encode("cp932"), now=NOW)
    assert (result.added, result.participants_created) == (5, 2)
    assert Participant.objects.get(reference="P-9001").school == schools["masuda"]
    assert sorted(Attendance.objects.values_list("kind", flat=True)) == [
        "fieldwork",
        "online",
        "pbl",
        "pbl",
        "study_space",
    ]


@pytest.mark.parametrize(
    "header",
    [
        "participant,school,date,kind",
        "参加者,学校,日付,区分",
        "参加者番号,学校名,利用日,種別",
        "ＰＡＲＴＩＣＩＰＡＮＴ,School,DATE,Kind",
        "区分,日付,参加者,学校",  # any order
    ],
)
def test_accepted_headers(header):
    make_schools()
    order = {"区分": "kind", "日付": "date", "参加者": "participant", "学校": "school"}
    columns = [order.get(name, "") for name in header.split(",")]
    values = {"participant": "P-0001", "school": "翔陽", "date": "2025-05-10", "kind": "pbl"}
    row = [values[c] for c in columns] if all(columns) else list(values.values())
    result = import_attendance(f"{header}\n{','.join(row)}\n".encode(), now=NOW)
    visit = Attendance.objects.get()
    assert result.added == 1
    assert (visit.participant.reference, visit.kind, visit.school.short_name) == (
        "P-0001",
        "pbl",
        "翔陽",
    )


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    "header",
    [
        "participant,school,date",  # one missing
        "participant,school,date,kind,氏名",  # a column we do not import (a name)
        "participant,participant,date,kind",
        "参加者;学校;日付;区分",
        "participant,school,date\x00,kind",
    ],
)
def test_refused_headers(header):
    with pytest.raises(ImportFileError) as caught:
        import_attendance(f"{header}\nP-0001,,2025-05-10,pbl\n".encode(), now=NOW)
    assert caught.value.errors[0].startswith(
        "line 1: expected the header 'participant,school,date,kind' (or in Japanese), found"
    )
    assert "\x00" not in caught.value.errors[0]
    assert Attendance.objects.count() == 0


@pytest.mark.usefixtures("english")
def test_an_unknown_kind_lists_codes_and_labels():
    with pytest.raises(ImportFileError) as caught:
        import_attendance("参加者,学校,日付,区分\nP-1,,2025-05-10,カラオケ\n".encode(), now=NOW)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column, problem.value) == (2, "kind", "カラオケ")
    assert "study_space (Open study space), science (Science experiment)" in problem.message
