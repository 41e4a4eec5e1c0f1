"""Walking every admin URL of the project: the patterns from the resolver, their parameters
filled with real objects, and the responses read as one role would see them. Used by
test_role_matrix.py."""

import io

from django.db.models import Model
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from wagtail.models import Collection, Site

from tests.factories import get_home

from .helpers import SECRET_EMAIL, SECRET_NICKNAME, SECRET_REFERENCE

SECRETS = (SECRET_NICKNAME, SECRET_REFERENCE, SECRET_EMAIL)
ROLES = ("anonymous", "student", "editor", "staff", "coordinator", "superuser")

# Patterns left out, and why. The test fails when this list goes stale either way.
SKIPPED = {
    "wagtailadmin_logout": "would end the session being tested",
    "wagtailadmin_error_test": "Wagtail's /admin/failwhale/ raises on purpose",
    "wagtailimages:edit_multiple": "needs an upload in progress (POST-only)",
    "wagtailimages:create_multiple_from_uploaded_image": "needs an UploadedFile (POST-only)",
    "wagtailimages:delete_upload_multiple": "needs an UploadedFile (POST-only)",
    "wagtaildocs:edit_multiple": "needs an upload in progress (POST-only)",
    "wagtaildocs:create_multiple_from_uploaded_document": "needs an UploadedFile (POST-only)",
    "wagtaildocs:delete_upload_multiple": "needs an UploadedFile (POST-only)",
    "wagtailadmin_pages:workflow_action": "needs a task state in progress",
    "wagtailadmin_pages:collect_workflow_action_data": "needs a task state in progress",
    "wagtailadmin_pages:workflow_history_detail": "needs a workflow state",
    "wagtailadmin_editing_sessions:ping": "POST-only heartbeat of an open editor",
    "wagtailadmin_editing_sessions:release": "POST-only heartbeat of an open editor",
    "wagtailsnippets_ministry_ministryreport:workflow_action": "needs a task state in progress",
    "wagtailsnippets_ministry_ministryreport:collect_workflow_action_data": (
        "needs a task state in progress"
    ),
    "wagtailsnippets_ministry_ministryreport:workflow_history_detail": "needs a workflow state",
}

# Patterns without a name: the address to visit for each.
UNNAMED = {
    "admin/test404/": "/admin/test404/",
    "admin/^.*/$": "/admin/no-such-page/",
}

# Outreach pages with parameters (a case code, a meeting) are walked with outreach objects by
# tests/outreach/test_role_matrix.py, which passes them in `w["outreach"]`.
OUTREACH_PREFIX = "outreach_"

# The ministry report's narrative (a snippet with revisions): its revision URLs get its own
# revision, from `w["ministry_report"]`.
MINISTRY_SNIPPET_PREFIX = "wagtailsnippets_ministry_"

# Pages that name participants: Staff (and administrators) only.
# Screens that show people's records (an import's problems name participants by reference).
STAFF_ONLY_PREFIXES = ("booking_participant:", "checkin_", "attendance_import_")


def walk(patterns, prefix="", namespaces=()):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespaces + ((pattern.namespace,) if pattern.namespace else ())
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = ":".join(namespaces + (pattern.name,)) if pattern.name else None
            yield prefix + str(pattern.pattern), name, pattern


def admin_patterns():
    return [
        (route, name, pattern)
        for route, name, pattern in walk(get_resolver().url_patterns)
        if route.lstrip("^").startswith("admin/")
    ]


def parameters(pattern: URLPattern) -> list[str]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return list(converters)
    return list(pattern.pattern.regex.groupindex)


def view_model(pattern: URLPattern):
    callback = pattern.callback
    model = (getattr(callback, "view_initkwargs", None) or {}).get("model")
    model = model or getattr(getattr(callback, "view_class", None), "model", None)
    return model if isinstance(model, type) and issubclass(model, Model) else None


def fill(name: str, pattern: URLPattern, w: dict) -> dict | None:
    """Real values for the pattern's parameters, or None when they cannot be filled."""
    if name.startswith(OUTREACH_PREFIX) and "outreach" in w:
        return outreach_kwargs(name, parameters(pattern), w["outreach"])
    page, home = w["page"], get_home()
    by_name = {
        "checkin_came": w["booking"].pk,
        "checkin_not_came": w["booking"].pk,
        "checkin_roster": w["slot"].pk,
        "checkin_walk_in": w["slot"].pk,
        "checkin_new_walk_in": w["slot"].pk,
        "checkin_participant": w["secret"].pk,
        "checkin_consent": w["secret"].pk,
        "checkin_outcome": w["secret"].pk,
        "checkin_renew_feed": w["secret"].pk,
        "booking_closure:reopen": w["closure"].pk,
        "safe_image_chosen": w["image"].pk,
        "wagtailadmin_api:pages:detail": page.pk,
        "wagtailadmin_api:pages:action": page.pk,
        "wagtailadmin_api:documents:detail": w["document"].pk,
        "wagtailadmin_api:images:detail": w["image"].pk,
        "wagtailadmin_pages:revisions_compare": page.pk,
        "wagtailadmin_workflows:enable": w["workflow"].pk,
        "wagtailadmin_workflows:edit_task": w["task"].pk,
        "wagtailadmin_workflows:enable_task": w["task"].pk,
        "wagtaildocs_chooser:chosen": w["document"].pk,
        "wagtailsettings:edit": Site.objects.get(is_default_site=True).pk,
        "wagtailsettings:preview_on_edit": Site.objects.get(is_default_site=True).pk,
    }
    by_parameter = {
        "page_id": page.pk,
        "parent_page_id": home.pk,
        "page_pk": page.pk,
        "page_to_move_id": page.pk,
        "destination_id": home.pk,
        "revision_id": page.latest_revision_id,
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "image_id": w["image"].pk,
        "filter_spec": "fill-100x100",
        "document_id": w["document"].pk,
        "doc_id": w["document"].pk,
        "collection_id": Collection.get_first_root_node().pk,
        "redirect_id": w["redirect"].pk,
        "workflow_pk": w["workflow"].pk,
        "task_id": w["task"].pk,
        "code": w["booking"].code,
        "action_name": "copy",
        "uidb64": "MQ",
        "token": "not-a-token",
    }
    pairs = {
        ("content_type_app_name", "content_type_model_name"): ("cms", "contentpage"),
        ("app_label", "model_name"): ("cms", "contentpage"),
        ("app_name", "model_name"): ("cms", "socialsettings"),
    }
    if name in ("wagtailadmin_workflows:add_task",):
        pairs[("app_label", "model_name")] = ("wagtailcore", "groupapprovaltask")
    if name == "wagtailadmin_tag_model_autocomplete":
        pairs[("app_name", "model_name")] = ("wagtailimages", "image")
    if name.startswith(MINISTRY_SNIPPET_PREFIX) and "ministry_report" in w:
        by_parameter["revision_id"] = w["ministry_report"].latest_revision_id
    if name == "wagtail_bulk_action":
        pairs[("app_label", "model_name")] = ("wagtailcore", "page")
        by_parameter["action"] = "delete"

    kwargs = {}
    params = parameters(pattern)
    for keys, values in pairs.items():
        if set(keys) <= set(params):
            kwargs.update(zip(keys, values, strict=True))
    for param in params:
        if param in kwargs:
            continue
        if param == "pk":
            if name in by_name:
                kwargs["pk"] = by_name[name]
                continue
            model = view_model(pattern)
            instance = model and model._default_manager.order_by("pk").first()
            if instance is None:
                return None
            kwargs["pk"] = instance.pk
        elif param in by_parameter:
            kwargs[param] = by_parameter[param]
        else:
            return None
    return kwargs


def outreach_kwargs(name: str, params: list[str], o: dict) -> dict | None:
    """An outreach pattern's parameters, from the outreach world: case URLs get the case,
    referral URLs the referral, request URLs the request, meeting URLs the meeting."""
    objects = {
        "outreach_case": o["case"].code,
        "outreach_referral": o["referral"].code,
        "outreach_request": o["request"].code,
    }
    kwargs = {}
    for param in params:
        if param == "code":
            prefix = next((p for p in objects if name.startswith(p)), None)
            if prefix is None:
                return None
            kwargs["code"] = objects[prefix]
        elif param == "pk" and name.startswith("outreach_meeting"):
            kwargs["pk"] = o["meeting"].pk
        elif param == "user_id":
            kwargs["user_id"] = o["assignee"].pk
        else:
            return None
    return kwargs


def admin_urls(w: dict, *, prefix: str = "") -> tuple[list[tuple[str, str]], dict]:
    """Every admin URL to visit (or only those whose name starts with `prefix`), and the
    patterns left out with the reason."""
    urls, skipped = [], {}
    for _route, name, pattern in admin_patterns():
        if prefix and not (name or "").startswith(prefix):
            continue
        if (name or "").startswith(OUTREACH_PREFIX) and "outreach" not in w and parameters(pattern):
            continue  # walked by the outreach role matrix
        if name is None:
            if _route in UNNAMED:
                urls.append((_route, UNNAMED[_route]))
            else:
                skipped[_route] = "unnamed pattern"
            continue
        if name in SKIPPED:
            skipped[name] = SKIPPED[name]
            continue
        kwargs = fill(name, pattern, w)
        if kwargs is None:
            skipped[name] = f"cannot fill {parameters(pattern)}"
            continue
        try:
            url = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            skipped[name] = f"does not reverse with {kwargs}"
            continue
        urls.append((name, url))
    if prefix:
        return sorted(set(urls)), skipped
    report = reverse("attendance_report")
    urls += [
        ("attendance_report", report + "?export=csv"),
        ("attendance_report", report + "?export=xlsx&fiscal_year=2025"),
        ("attendance_report", report + "?fiscal_year=not-a-year"),
        ("booking_participant:index", reverse("booking_participant:index") + "?q=ミサキ"),
        ("checkin_roster", reverse("checkin_roster", args=[w["slot"].pk]) + "?q=ミサキ"),
        *(("ministry_report", reverse("ministry_report") + q) for q in MINISTRY_DOWNLOADS),
    ]
    return sorted(set(urls)), skipped


MINISTRY_DOWNLOADS = (
    "?format=pptx",
    "?format=pdf&fiscal_year=2026&last_day=2026-09-30",
    "?format=pdf&fiscal_year=2026&first_day=2026-10-01&last_day=2027-04-30",
)
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type") == PPTX:  # a slide deck: read its text
        from pptx import Presentation

        deck = Presentation(io.BytesIO(content))
        return " ".join(
            shape.text_frame.text
            for slide in deck.slides
            for shape in slide.shapes
            if shape.has_text_frame
        )
    if content[:2] == b"PK":  # an XLSX workbook: read its cells
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(content))
        return " ".join(
            str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row
        )
    return content.decode("utf-8", errors="replace")


def visit_all(role: str, w: dict, *, prefix: str = "", extra_urls=()) -> dict:
    client = Client(raise_request_exception=True)
    if role != "anonymous":
        client.force_login(w["users"][role])
    urls, skipped = admin_urls(w, prefix=prefix)
    urls = [*urls, *extra_urls]
    results, errors = {}, []
    for name, url in urls:
        try:
            response = client.get(url)
        except Exception as exc:  # noqa: BLE001 - every failure is reported with its URL
            errors.append(f"{url} ({name}): {exc!r}")
            continue
        results[url] = (
            name,
            response.status_code,
            response.get("Location", ""),
            body_text(response),
        )
    assert errors == [], f"{role}: exceptions\n" + "\n".join(errors)
    server_errors = [url for url, (_, status, _, _) in results.items() if status >= 500]
    assert server_errors == [], f"{role}: 5xx on {server_errors}"
    return {"results": results, "skipped": skipped}


def is_login_redirect(status: int, location: str) -> bool:
    """The admin sends strangers to the one login (allauth's), with `next`."""
    return status == 302 and "/accounts/login/" in location


def refused(status: int, location: str) -> bool:
    """Wagtail answers a logged-in user without the permission with a redirect to the admin
    home (and a message), or 403; a 405 means the URL takes only POST. A user without admin
    access at all is sent to their own page (cms/accounts/middleware.py)."""
    path = location.split("?")[0]
    return status in (403, 405) or (status == 302 and (path.endswith("/admin/") or path == "/my/"))
