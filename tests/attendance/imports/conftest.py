import pytest
from django.core.files.storage import storages

from tests.factories import make_user


@pytest.fixture(autouse=True)
def import_folder(settings, tmp_path):
    """The private imports folder of each test, beside (never inside) its MEDIA_ROOT."""
    folder = tmp_path / "private" / "imports"
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {
            **settings.STORAGES["imports"],
            "OPTIONS": {**settings.STORAGES["imports"]["OPTIONS"], "location": folder},
        },
    }
    return folder


def stored_files(folder) -> list:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.exists() else []


@pytest.fixture
def importer(db):
    return make_user("importer", groups=["Staff"], admin_language="en")


@pytest.fixture
def importer_client(client, importer):
    client.force_login(importer)
    return client


@pytest.fixture
def storage():
    return storages["imports"]
