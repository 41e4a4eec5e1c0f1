"""Files to upload, and the upload itself, for the admin import tests."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attendance.models import AttendanceImport

HEADER = "participant,school,date,kind"


def csv_bytes(*rows: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode(encoding)


# Five rows: P-1 twice in May 2025 (fiscal 2025), once repeated; P-2 in March 2025 (fiscal
# 2024) and in April 2025 (fiscal 2025). Four visits to add, three in fiscal 2025.
GOOD_ROWS = (
    "P-1,,2025-05-10,study_space",
    "P-1,,2025/5/17,study_space",
    "P-1,,2025-05-17,study_space",
    "P-2,,2025-03-31,online",
    "P-2,,R7.4.1,online",
)


def xlsx_bytes(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content: bytes, name: str = "visits.csv"):
    """POSTs the upload form; returns the response (a redirect to the upload's page)."""
    return client.post(
        reverse("attendance_import_upload"),
        {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
    )


def latest_upload() -> AttendanceImport:
    return AttendanceImport.objects.latest("pk")


def detail_url(upload: AttendanceImport) -> str:
    return reverse("attendance_import_detail", args=[upload.pk])


def make_upload(
    storage, content: bytes, *, by=None, state=AttendanceImport.State.CHECKED, **fields
):
    """An upload already through its check (or in `state`), its file in the imports storage."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    name = storage.save("tests/visits.csv", ContentFile(content))
    return AttendanceImport.objects.create(
        uploaded_by=by,
        uploaded_at=fields.pop("uploaded_at", timezone.now()),
        file_name="visits.csv",
        file_size=len(content),
        stored_name=name,
        state=state,
        **fields,
    )
