"""Password validators whose messages Django's Vietnamese catalogue misses."""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django 5.2 rewrote this message ("%d" for "%(min_length)d"), and its 'vi' catalogue
    still has the old one, so the stock message shows in English."""

    def get_error_message(self) -> str:
        return _("Mật khẩu quá ngắn: cần ít nhất %(n)d ký tự.") % {"n": self.min_length}

    def get_help_text(self) -> str:
        return _("Mật khẩu của bạn phải chứa ít nhất %(n)d ký tự.") % {"n": self.min_length}
