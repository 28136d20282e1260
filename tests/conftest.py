import datetime as dt
import tempfile

import pytest

from tests import factories


def pytest_configure(config):
    """Pages render {% static %}: the manifest storage used when DEBUG is off needs a
    collectstatic run that a test run does not do, and WhiteNoise wants STATIC_ROOT to exist."""
    from django.conf import settings

    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = tempfile.mkdtemp(prefix="kttt-static-")


@pytest.fixture
def phong_tho(db):
    """The reference units shipped by the migration (Tỉnh Lai Châu), looked up by code."""
    return factories.units()


@pytest.fixture
def day():
    return dt.date
