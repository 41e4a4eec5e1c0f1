"""What a restored site must show the same: report figures, pages, image URLs and files.

`snapshot()` runs in the test, before the backup; `python -m tests.cms.backup_probe` runs it in
a separate process against the fresh database (DATABASE_URL) and media root, after running
`manage.py restore` there, and prints the snapshot as JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path


def _plain(value):
    """JSON-comparable: school ids and months as keys become strings on both sides."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return json.loads(json.dumps(value, default=str))


def snapshot(client, paths: list[str], *, fiscal_year: int, now: dt.datetime) -> dict:
    from bs4 import BeautifulSoup
    from django.conf import settings

    from attendance.services.reports import fiscal_year_report

    pages = {}
    for path in paths:
        response = client.get(path)
        soup = BeautifulSoup(response.content, "html.parser")
        og = soup.select_one('meta[property="og:image"]')
        pages[path] = {
            "status": response.status_code,
            "images": [img["src"] for img in soup.select("img")],
            "share_image": og["content"] if og else None,
            "text": " ".join(soup.main.get_text().split()) if soup.main else "",
        }
    media_root = Path(settings.MEDIA_ROOT)
    files = sorted(
        str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()
    )
    return {
        "report": _plain(fiscal_year_report(fiscal_year, now=now)),
        "pages": pages,
        "files": files,
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--restore-from", required=True)
    parser.add_argument("--media-root", required=True)
    parser.add_argument("--fiscal-year", type=int, required=True)
    parser.add_argument("--now", required=True, help="the clock while the pages render")
    parser.add_argument("--report-now", required=True, help="`now` of the report")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")
    import django

    django.setup()
    import time_machine
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    settings.MEDIA_ROOT = Path(args.media_root)  # the test settings fix their own
    call_command("restore", source=Path(args.restore_from))
    now = dt.datetime.fromisoformat(args.now)
    with time_machine.travel(now, tick=False):
        report_now = dt.datetime.fromisoformat(args.report_now)
        result = snapshot(Client(), args.paths, fiscal_year=args.fiscal_year, now=report_now)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
