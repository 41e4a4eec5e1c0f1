import pytest
from django.utils import translation


@pytest.fixture
def english():
    """Messages in English, whatever the catalogue says: the tests read their wording."""
    with translation.override("en"):
        yield
