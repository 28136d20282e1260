import datetime as dt

import pytest

from tests import factories


@pytest.fixture
def phong_tho(db):
    """The reference units shipped by the migration (Tỉnh Lai Châu), looked up by code."""
    return factories.units()


@pytest.fixture
def day():
    return dt.date
