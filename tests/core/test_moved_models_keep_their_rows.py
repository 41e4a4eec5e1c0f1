"""Moving School (cms → core) and Attendance and Outcome (booking → attendance) loses nothing.

The move is made of state-only migrations (core 0001, programs 0003, booking 0008 and 0009,
attendance 0001, cms 0004) that keep the tables and hand the models' content types to their new
apps. This module proves, on SQLite and on PostgreSQL, that a database migrated to the layout
before the move and filled with data through the historical models:

- migrates forward with every row of every affected table unchanged (same primary keys, same
  values), read back through the current models;
- keeps its permissions: the content types move (same ids, so the same permission rows), the
  Staff and Coordinators groups now hold `attendance.check_in` and `attendance.view_reports`,
  and no content type is left under booking.attendance, booking.outcome or cms.school, not even
  after `post_migrate` (which would otherwise create fresh permissions that no group holds);
- gives the report figures counted by hand from the data;
- migrates back again with its rows and permissions intact, so the move is reversible;

and that none of the move's migrations touches a table.
"""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations import RunPython, SeparateDatabaseAndState
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.models import Q

from attendance.models import Attendance, Outcome
from attendance.services.reports import fiscal_year_report
from booking.models import Booking, Participant, Slot, StudySpace
from core.models import School

from .migration_data import EXPECTED_2024, EXPECTED_2025, assert_figures, fill_old_layout

JST = ZoneInfo("Asia/Tokyo")
# Both fiscal years of the data (2024 and 2025) are over by then.
NOW = dt.datetime(2026, 6, 10, 10, 0, tzinfo=JST)

# The last migrations before the move; the core and attendance apps did not exist yet.
OLD_LAYOUT = [
    ("cms", "0003_impact_page"),
    ("booking", "0007_attendance_report_index_with_slot"),
    ("programs", "0002_programpage_advance_days_and_more"),
]
NOT_YET = [("core", None), ("attendance", None)]
# Before the check-in and report permissions. The test steps back here first and then forward
# to the old layout, so that booking 0004 and 0005 themselves grant the permissions to the
# groups, whatever the tests before this one left in the database.
BEFORE_THE_PERMISSIONS = [("booking", "0003_attendance_outcomes_consent")]
# The migrations that make the move, in the order the graph applies them.
THE_MOVE = [
    ("core", "0001_initial"),
    ("programs", "0003_school_in_core"),
    ("booking", "0008_school_in_core"),
    ("attendance", "0001_initial"),
    ("booking", "0009_attendance_moved"),
    ("cms", "0004_school_in_core"),
]

# Where each table's model lives, before and after the move.
OLD_MODELS = {
    "school": ("cms", "School"),
    "participant": ("booking", "Participant"),
    "space": ("booking", "StudySpace"),
    "slot": ("booking", "Slot"),
    "booking": ("booking", "Booking"),
    "attendance": ("booking", "Attendance"),
    "outcome": ("booking", "Outcome"),
}
NEW_MODELS = {
    "school": School,
    "participant": Participant,
    "space": StudySpace,
    "slot": Slot,
    "booking": Booking,
    "attendance": Attendance,
    "outcome": Outcome,
}
# Content types that change app: (app, model) before → app after.
MOVED_TYPES = {
    ("cms", "school"): "core",
    ("booking", "attendance"): "attendance",
    ("booking", "outcome"): "attendance",
}
GROUPS = ("Staff", "Coordinators", "Editors")


def migrate(executor: MigrationExecutor, targets: list) -> None:
    """`executor.migrate(targets)`, one migration at a time.

    To unapply migrations the executor carries a rendered state of the whole project through
    every migration before them, re-rendering Wagtail's models at each one: 12 s a step here,
    against half a second this way. A migration only refers to models of the migrations it
    depends on, so the state of its ancestors is all it needs."""
    for migration, backwards in executor.migration_plan(targets):
        state = executor.loader.project_state((migration.app_label, migration.name), at_end=False)
        if backwards:
            executor.unapply_migration(state, migration)
        else:
            executor.apply_migration(state, migration)
    settle(executor)


def settle(executor: MigrationExecutor) -> None:
    # Re-read which migrations are applied, as Django's own migration tests do.
    executor.loader.build_graph()
    # Rows of content types changed app under the global cache's feet.
    ContentType.objects.clear_cache()


def old_rows(apps) -> dict:
    """{table: [row as a dict, by primary key]}, read through the old layout's models."""
    return {
        name: list(apps.get_model(*label).objects.order_by("pk").values())
        for name, label in OLD_MODELS.items()
    }


def new_rows(columns_before: dict) -> dict:
    """The same, read through the current models; only the columns there were before, so that
    a later migration adding a column does not fail this test."""
    return {
        name: list(model.objects.order_by("pk").values(*columns_before[name][0]))
        for name, model in NEW_MODELS.items()
    }


# Models created after the move, whose permissions later migrations grant (the import).
LATER_MODELS = ["attendanceimport"]


def group_permissions(Group) -> dict:
    """{group: {(app, model, codename)}} for the role groups, on the apps and models the move
    concerns: the migrations after it (outreach's roles, the attendance import) grant the
    groups permissions of their own."""
    return {
        group.name: set(
            group.permissions.filter(
                content_type__app_label__in=["booking", "attendance", "cms", "core"]
            )
            .exclude(content_type__model__in=LATER_MODELS)
            .values_list("content_type__app_label", "content_type__model", "codename")
        )
        for group in Group.objects.filter(name__in=GROUPS)
    }


def content_type_ids(ContentType, *, moved_over: bool) -> dict:
    """{(app before the move, model): id of its content type}, found where the move left it."""
    return {
        (app, model): ContentType.objects.get(app_label=to if moved_over else app, model=model).pk
        for (app, model), to in MOVED_TYPES.items()
    }


def moved(app: str, model: str) -> str:
    """The app a content type belongs to after the move."""
    return MOVED_TYPES.get((app, model), app)


@pytest.fixture
def database_as_found(django_db_setup, django_db_blocker):
    """Put the database back as the test found it (Wagtail's root and home pages, the default
    Site, the role groups...), for the tests that run after it.

    A transactional test ends with pytest-django emptying every table, then running post_migrate,
    which makes content types and permissions again under new ids: a later test with serialized
    rollback would fail to load its snapshot over them, and a later test that expects the home
    page would not find it. Requested before `transactional_db`, this fixture ends after that.
    """
    with django_db_blocker.unblock():
        objects = json.loads(connection.creation.serialize_db_to_string())
    # Content types first: loading some objects looks theirs up, and would make it anew.
    objects.sort(key=lambda obj: obj["model"] != "contenttypes.contenttype")
    snapshot = json.dumps(objects)
    yield
    with django_db_blocker.unblock():
        # Drop what post_migrate made again under new ids (content types, their permissions):
        # the snapshot brings back the originals.
        ContentType.objects.all().delete()
        connection.creation.deserialize_db_from_string(snapshot)
        ContentType.objects.clear_cache()


def test_rows_permissions_and_figures_survive_the_move_and_its_reversal(
    database_as_found, transactional_db
):
    executor = MigrationExecutor(connection)
    # Whatever the transactional tests before left (some reload a snapshot, some a flush), start
    # from what `migrate` leaves: every current model's content type and permissions.
    emit_post_migrate_signal(0, False, connection.alias)
    ContentType.objects.clear_cache()
    try:
        migrate(executor, NOT_YET + BEFORE_THE_PERMISSIONS)
        migrate(executor, OLD_LAYOUT)
        old = executor.loader.project_state(OLD_LAYOUT).apps
        fill_old_layout(old)
        before = old_rows(old)
        permissions_before = group_permissions(old.get_model("auth", "Group"))
        types_before = content_type_ids(
            old.get_model("contenttypes", "ContentType"), moved_over=False
        )
        # What booking 0004 and 0005 granted, on booking.attendance.
        check_in_before = ("booking", "attendance", "check_in")
        view_reports_before = ("booking", "attendance", "view_reports")
        assert {check_in_before, view_reports_before} <= permissions_before["Staff"]
        assert view_reports_before in permissions_before["Coordinators"]
        assert check_in_before not in permissions_before["Coordinators"]
        old_permissions = old.get_model("auth", "Permission").objects.filter(
            content_type__app_label="booking", codename__in=["check_in", "view_reports"]
        )
        permission_ids_before = set(old_permissions.values_list("pk", flat=True))

        # The move, run as `manage.py migrate` runs it, post_migrate included: that signal
        # creates the content types and permissions it does not find.
        executor.migrate(executor.loader.graph.leaf_nodes())
        settle(executor)
        emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)

        assert new_rows(before) == before
        assert group_permissions(Group) == {
            name: {(moved(app, model), model, codename) for app, model, codename in held}
            for name, held in permissions_before.items()
        }
        check_in = Permission.objects.get(content_type__app_label="attendance", codename="check_in")
        view_reports = Permission.objects.get(
            content_type__app_label="attendance", codename="view_reports"
        )
        assert {check_in.pk, view_reports.pk} == permission_ids_before
        assert set(Group.objects.get(name="Staff").permissions.all()) >= {check_in, view_reports}
        assert view_reports in Group.objects.get(name="Coordinators").permissions.all()
        assert Permission.objects.filter(codename__in=["check_in", "view_reports"]).count() == 2
        assert content_type_ids(ContentType, moved_over=True) == types_before
        left_behind = ContentType.objects.filter(
            Q(app_label="booking", model__in=["attendance", "outcome"])
            | Q(app_label="cms", model="school")
        )
        assert not left_behind.exists()

        assert_figures(fiscal_year_report(2024, now=NOW), EXPECTED_2024)
        assert_figures(fiscal_year_report(2025, now=NOW), EXPECTED_2025)

        # And back: the move is reversible, rows and permissions included.
        migrate(executor, NOT_YET)
        old = executor.loader.project_state(OLD_LAYOUT).apps
        assert old_rows(old) == before
        assert group_permissions(old.get_model("auth", "Group")) == permissions_before
        old_types = old.get_model("contenttypes", "ContentType")
        assert content_type_ids(old_types, moved_over=False) == types_before
    finally:
        # The tests after this one need the current schema.
        migrate(executor, executor.loader.graph.leaf_nodes())


def test_the_move_touches_no_table():
    """The move only changes Django's idea of the models, and rows of content types (Python):
    none of its migrations has a database operation, forwards or backwards."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    old = {node for leaf in OLD_LAYOUT for node in graph.forwards_plan(leaf)}
    assert [n for n in graph.forwards_plan(THE_MOVE[-1]) if n not in old] == THE_MOVE
    for key in THE_MOVE:
        for operation in graph.nodes[key].operations:
            if isinstance(operation, SeparateDatabaseAndState):
                assert operation.database_operations == [], key
            else:
                assert isinstance(operation, RunPython), key
