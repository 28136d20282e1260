"""Optimistic locking of an account's name and e-mail (issue 11): two administrators open
the same account's page; the first saves; the second's save is refused (409) with who
changed what and when from the account's audit trail, its input kept; saved again, it wins."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from kttt.accounts.models import AccountAuditEntry, Role
from tests.web import PLAIN_STORAGES, client_for, form_values, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES


def account_form(text):
    """The account form's values (the page has several forms: the one with the e-mail)."""
    values = form_values(text)
    assert "email" in values
    return values


def test_the_second_save_of_an_account_is_refused(db):
    first = person(Role.ADMIN)
    first.first_name = "Quản Trị Một"
    first.save()
    one, two = client_for(first), client_for(person(Role.ADMIN))
    lan = person(Role.COMMUNE, "3549")
    address = reverse("users:user_detail", args=[lan.pk])
    by_one, by_two = account_form(one.get(address).text), account_form(two.get(address).text)
    assert by_one["version"] == by_two["version"]

    assert one.post(address, {**by_one, "email": "lan@phongtho.gov.vn"}).status_code == 302
    refused = two.post(address, {**by_two, "full_name": "Lò Thị Lan"})
    assert refused.status_code == 409
    lan = User.objects.get(pk=lan.pk)
    assert (lan.first_name, lan.email) == ("", "lan@phongtho.gov.vn")
    entry = AccountAuditEntry.objects.filter(user=lan, action="update").first()
    at = timezone.localtime(entry.at).strftime("%d/%m/%Y %H:%M")
    assert f"Tài khoản này đã được Quản Trị Một sửa lúc {at}" in refused.text
    assert "lan@phongtho.gov.vn" in refused.text
    again = account_form(refused.text)
    assert again["full_name"] == "Lò Thị Lan"

    assert two.post(address, again).status_code == 302
    lan.refresh_from_db()
    assert (lan.first_name, lan.email) == ("Lò Thị Lan", "")
