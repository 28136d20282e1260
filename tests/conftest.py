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
    # The kept figures of this test process, apart from a server's and other test runs';
    # no refresher thread (tests/changes turns it on where it is the subject).
    settings.CACHES["figures"]["LOCATION"] = tempfile.mkdtemp(prefix="kttt-figures-")
    settings.KTTT_FIGURE_REFRESH = False


@pytest.fixture(autouse=True)
def _figures_forgotten():
    """Each test starts with no engine result kept (kttt.indicators.cache): a test's data
    rolled back leaves the version row as the next test finds it, not the process's memory."""
    from kttt.indicators import cache

    cache.clear()


@pytest.fixture
def phong_tho(db):
    """The reference units shipped by the migration (Tỉnh Lai Châu), looked up by code."""
    return factories.units()


@pytest.fixture
def day():
    return dt.date
