"""How far a check or an import has got, for the progress bar.

The import runs in one transaction, so its row cannot tell others how far it is: the task
writes its progress to the shared cache instead, under a key per upload. The cache is a
convenience only: when it is down or empty the page shows no bar, and nothing fails.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.cache import cache

logger = logging.getLogger(__name__)

# Long enough to outlive any import; short enough that a dead worker's figures go away.
TIMEOUT = 60 * 60
STAGES = ("check", "import")


def key(import_id: int) -> str:
    return f"attendance-import-progress:{import_id}"


def reporter(import_id: int) -> Callable[[str, int, int], None]:
    """The `progress(stage, done, total)` callback the service calls. Writes only when the
    whole percentage or the stage changes: a call per batch would be a cache round trip per
    batch for nothing a person could see."""
    last: dict[str, int | str | None] = {"stage": None, "percent": None}

    def report(stage: str, done: int, total: int) -> None:
        percent = min(100, done * 100 // total) if total > 0 else 0
        if (stage, percent) == (last["stage"], last["percent"]):
            return
        last["stage"], last["percent"] = stage, percent
        try:
            cache.set(
                key(import_id), {"stage": stage, "done": done, "total": total}, timeout=TIMEOUT
            )
        except Exception:  # noqa: BLE001 - a dead cache costs the bar, never the import
            logger.warning("could not record the progress of import %s", import_id)

    return report


def read(import_id: int) -> dict | None:
    """{"stage", "done", "total", "percent"}, or None when nothing is known."""
    try:
        value = cache.get(key(import_id))
    except Exception:  # noqa: BLE001 - no bar rather than an error
        logger.warning("could not read the progress of import %s", import_id)
        return None
    if not isinstance(value, dict) or value.get("stage") not in STAGES:
        return None
    total = max(int(value.get("total") or 0), 0)
    done = min(max(int(value.get("done") or 0), 0), total) if total else 0
    percent = done * 100 // total if total else 0
    return {"stage": value["stage"], "done": done, "total": total, "percent": percent}


def clear(import_id: int) -> None:
    try:
        cache.delete(key(import_id))
    except Exception:  # noqa: BLE001 - the entry expires by itself
        logger.warning("could not clear the progress of import %s", import_id)
