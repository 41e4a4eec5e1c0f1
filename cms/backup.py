"""Backup and restore of the whole site: the database and every uploaded file.

A backup is a folder holding

- `database.dump` (PostgreSQL, `pg_dump -Fc`) or `database.sqlite3` (SQLite's backup API),
- `media.tar`: every file of Django's default storage, read and written through the storage
  API, so the same code covers a local MEDIA_ROOT and object storage,
- `manifest.json`: the row count of every table, the number of files, and the SHA-256 of both
  files, checked again before anything is restored.

On PostgreSQL the counts come from the same snapshot as the dump (`pg_export_snapshot`), so
they match it even while the site is in use. The database cache's rows are left out: restore
clears the cache, which describes a database that no longer exists.

Restore refuses a database that already has tables, or a storage that already has files,
unless forced: the usual target is a freshly created, empty database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media.tar"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """Something an operator must fix; the message says what."""


@dataclass
class Restored:
    tables: int
    rows: int
    files: int


# --- backup -----------------------------------------------------------------------------------


def make_backup(target: Path) -> dict:
    """Write a backup into `target` (created; it must not hold anything yet). Returns the
    manifest."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: back up into a new folder.")
    target.mkdir(parents=True, exist_ok=True)
    vendor = _vendor()
    database_file = target / DATABASE_FILES[vendor]
    if vendor == "postgresql":
        tables = _dump_postgresql(database_file)
    else:
        tables = _dump_sqlite(database_file)
    files, size = _archive_media(target / MEDIA)
    manifest = {
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": {
            "vendor": vendor,
            "file": database_file.name,
            "sha256": _sha256(database_file),
        },
        "media": {
            "file": MEDIA,
            "sha256": _sha256(target / MEDIA),
            "files": files,
            "bytes": size,
            "storage": settings.STORAGES["default"]["BACKEND"],
        },
        "tables": tables,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def _dump_postgresql(path: Path) -> dict[str, int]:
    """pg_dump from a snapshot exported by a read-only transaction that also counts the rows."""
    pg_dump = _binary("pg_dump")
    if connection.in_atomic_block:
        raise BackupError("Back up outside a transaction: the dump's snapshot must be its own.")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        command = [pg_dump, "-Fc", "--no-owner", "--no-privileges", f"--snapshot={snapshot}"]
        command += [f"--exclude-table-data={table}" for table in _cache_tables()]
        _run([*command, "--file", str(path)])
        return _count_rows(cursor)


def _dump_sqlite(path: Path) -> dict[str, int]:
    """SQLite's online backup through Django's own connection (which also reaches the test
    suite's in-memory database); the counts are read from the copy itself."""
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        names = [
            row[0]
            for row in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        skip = set(_cache_tables())
        return {
            name: cursor.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for name in sorted(names)
            if name not in skip
        }
    finally:
        copy.close()


def _archive_media(path: Path) -> tuple[int, int]:
    files = size = 0
    with tarfile.open(path, "w") as archive:
        for name in _storage_files():
            info = tarfile.TarInfo(name)
            info.size = default_storage.size(name)
            info.mode = 0o644
            with default_storage.open(name, "rb") as handle:
                archive.addfile(info, handle)
            files += 1
            size += info.size
    return files, size


def _storage_files(folder: str = ""):
    """Every file name in the default storage, depth first, sorted."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # a local MEDIA_ROOT that was never created
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for name in sorted(folders):
        yield from _storage_files(f"{folder}/{name}" if folder else name)


# --- restore ----------------------------------------------------------------------------------


def read_manifest(source: Path) -> dict:
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{source} holds no {MANIFEST}: is it a backup folder?") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for part in ("database", "media"):
        path = source / manifest[part]["file"]
        if not path.exists() or _sha256(path) != manifest[part]["sha256"]:
            raise BackupError(f"{path} is missing or damaged (its checksum does not match).")
    return manifest


def restore_backup(source: Path, *, force: bool = False) -> Restored:
    """Restore `source` into the configured database and default storage, then check that
    every table has the row count the manifest recorded."""
    source = Path(source)
    manifest = read_manifest(source)
    vendor = _vendor()
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"This backup is of a {manifest['database']['vendor']} database; "
            f"DATABASE_URL points to {vendor}."
        )
    existing = connection.introspection.table_names()
    has_files = next(iter(_storage_files()), None) is not None
    if (existing or has_files) and not force:
        raise BackupError(
            "The database already has tables or the media storage already has files: "
            "restore into a new, empty database and media folder, or pass --force to replace "
            "the database and overwrite the files."
        )
    database_file = source / manifest["database"]["file"]
    if vendor == "postgresql":
        _restore_postgresql(database_file, existing)
    else:
        _restore_sqlite(database_file)
    files = _extract_media(source / MEDIA, overwrite=force)

    counts = {name: n for name, n in _counts_now().items() if name in manifest["tables"]}
    if counts != manifest["tables"]:
        differ = sorted(n for n in manifest["tables"] if counts.get(n) != manifest["tables"][n])
        raise BackupError(f"Restored row counts differ from the manifest in: {', '.join(differ)}")
    if files != manifest["media"]["files"]:
        listed = manifest["media"]["files"]
        raise BackupError(f"Restored {files} files, the manifest lists {listed}.")
    _clear_cache()
    return Restored(tables=len(counts), rows=sum(counts.values()), files=files)


def _restore_postgresql(path: Path, existing: list[str]) -> None:
    if existing:  # --force: replace, so that no table the backup lacks survives
        with connection.cursor() as cursor:
            quoted = ", ".join(connection.ops.quote_name(name) for name in existing)
            cursor.execute(f"DROP TABLE IF EXISTS {quoted} CASCADE")
    connection.close()  # pg_restore takes its own connection
    _run(
        [
            _binary("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "--dbname",
            connection.settings_dict["NAME"],
            str(path),
        ]
    )


def _restore_sqlite(path: Path) -> None:
    connection.ensure_connection()
    backup = sqlite3.connect(path)
    try:
        backup.backup(connection.connection)  # replaces the whole database
    finally:
        backup.close()


def _extract_media(path: Path, *, overwrite: bool) -> int:
    files = 0
    with tarfile.open(path, "r") as archive:
        for member in archive:
            if not member.isfile():
                continue
            if overwrite and default_storage.exists(member.name):
                default_storage.delete(member.name)
            with archive.extractfile(member) as handle:
                saved = default_storage.save(member.name, File(handle, name=member.name))
            if saved != member.name:
                raise BackupError(f"{member.name} was stored as {saved}: the storage renamed it.")
            files += 1
    return files


def _clear_cache() -> None:
    """Cached pages and versions describe the database before the restore. A cache that cannot
    be reached now is cleared by nobody; say so rather than fail a finished restore."""
    try:
        cache.clear()
    except Exception as error:  # noqa: BLE001
        raise BackupError(
            f"Restored, but the cache could not be cleared ({error}): clear it by hand."
        ) from error


# --- shared -----------------------------------------------------------------------------------


def _vendor() -> str:
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def _cache_tables() -> list[str]:
    return [
        config["LOCATION"]
        for config in settings.CACHES.values()
        if config["BACKEND"].endswith("DatabaseCache")
    ]


def _count_rows(cursor) -> dict[str, int]:
    skip = set(_cache_tables())
    counts = {}
    for name in sorted(connection.introspection.table_names(cursor)):
        if name in skip:
            continue
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
        counts[name] = cursor.fetchone()[0]
    return counts


def _counts_now() -> dict[str, int]:
    with connection.cursor() as cursor:
        return _count_rows(cursor)


def _binary(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return path


def _run(command: list[str]) -> None:
    """Run a PostgreSQL client with the connection Django uses, password in the environment
    (never on the command line, where `ps` shows it)."""
    db = connection.settings_dict
    env = {**os.environ}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
