"""Issue 11: django-axes behind the documented nginx (docs/deployment.md). Every request
reaches gunicorn from 127.0.0.1; the client's address is what the trusted proxy appended to
X-Forwarded-For, and the lock-out is keyed on the username and that address together."""

import pytest
from axes.models import AccessAttempt

from tests.web import PASSWORD, PLAIN_STORAGES, commune_officer

pytestmark = pytest.mark.django_db
LOGIN = "/dang-nhap/"
A, B = "203.0.113.7", "198.51.100.23"


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES


@pytest.fixture
def lan(db):
    return commune_officer()


def wrong(client, user, forwarded_for):
    return client.post(
        LOGIN,
        {"username": user.username, "password": "sai"},
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def right(client, user, forwarded_for):
    return client.post(
        LOGIN,
        {"username": user.username, "password": PASSWORD},
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_one_proxy_a_lock_out_holds_one_address_not_the_others(client, lan, settings):
    settings.KTTT_TRUSTED_PROXIES = 1
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert wrong(client, lan, A).status_code == 200
    assert wrong(client, lan, A).status_code == 429
    assert right(client, lan, A).status_code == 429  # A is locked out for this user
    assert AccessAttempt.objects.get().ip_address == A
    # The same user from B, through the same proxy (same REMOTE_ADDR), logs in.
    assert right(client, lan, B).status_code == 302


def test_what_the_client_writes_before_the_proxys_entry_is_not_read(client, lan, settings):
    # nginx appends the address it saw ($proxy_add_x_forwarded_for): the client's own
    # X-Forwarded-For stands before it and cannot move the lock-out onto another address.
    settings.KTTT_TRUSTED_PROXIES = 1
    for forged in ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"):
        wrong(client, lan, f"{forged}, {A}")
    assert right(client, lan, A).status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [A]


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, lan, settings):
    # The default: a client changing the header at each try stays one address (REMOTE_ADDR,
    # 127.0.0.1 for the test client), so it is locked out all the same...
    assert settings.KTTT_TRUSTED_PROXIES == 0
    tries = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"]
    responses = [wrong(client, lan, forged).status_code for forged in tries]
    assert responses == [200, 200, 200, 200, 429]
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]
    # ...and cannot pin a lock-out on someone else's address.
    assert not AccessAttempt.objects.filter(ip_address__startswith="10.").exists()


def test_a_malformed_or_short_header_falls_back_to_the_connection(client, lan, settings):
    settings.KTTT_TRUSTED_PROXIES = 2  # two proxies, but the header has one entry
    wrong(client, lan, A)
    settings.KTTT_TRUSTED_PROXIES = 1
    wrong(client, lan, "not-an-address")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
