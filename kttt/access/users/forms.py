"""The account pages' forms. What a role may be given is checked by `grants.check_grant`,
the same rules as `kttt createuser`; passwords by Django's validators (Vietnamese)."""

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _lazy

from kttt.access.users.grants import GrantError, check_grant
from kttt.accounts.models import Role
from kttt.accounts.services import Grant
from kttt.plans.models import ImplementingUnit
from kttt.web.fields import VNForm


class UserFilterForm(VNForm):
    q = forms.CharField(
        label=_lazy("Tìm"),
        required=False,
        help_text=_lazy("Tên đăng nhập, họ tên hoặc thư điện tử; không cần dấu."),
    )
    active = forms.ChoiceField(
        label=_lazy("Trạng thái"),
        required=False,
        choices=[
            ("", _lazy("Tất cả")),
            ("1", _lazy("Đang hoạt động")),
            ("0", _lazy("Đã khóa")),
        ],
    )

    def value(self, name: str) -> str:
        return str(self.cleaned_data.get(name) or "") if self.is_valid() else ""


class RoleFormMixin(forms.Form):
    role = forms.ChoiceField(label=_lazy("Vai trò"), choices=Role.choices)
    area = forms.CharField(
        label=_lazy("Mã địa bàn"),
        required=False,
        max_length=5,
        help_text=_lazy(
            "Mã tỉnh, huyện hoặc xã, ví dụ 109 hoặc 03549. Để trống với Quản trị hệ thống "
            "và Đại diện HTX."
        ),
    )
    cooperative = forms.CharField(
        label=_lazy("Mã số HTX"),
        required=False,
        max_length=20,
        help_text=_lazy("Chỉ với vai trò Đại diện HTX."),
    )
    unit = forms.ModelChoiceField(
        label=_lazy("Đơn vị thực hiện đề án"),
        queryset=ImplementingUnit.objects.all(),
        required=False,
        empty_label="—",
        help_text=_lazy("Phòng hoặc UBND xã mà vai trò này ghi hoạt động đề án."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data["grant"] = check_grant(
                role=data.get("role", ""),
                area=data.get("area", ""),
                cooperative=data.get("cooperative", ""),
                department=data.get("unit") or "",
            )
        except GrantError as error:
            raise ValidationError(str(error)) from None
        return data

    @property
    def grant(self) -> Grant:
        return self.cleaned_data["grant"]  # type: ignore[no-any-return]


class RoleForm(RoleFormMixin, VNForm):
    pass


class AccountForm(VNForm):
    full_name = forms.CharField(label=_lazy("Họ và tên"), max_length=150, required=False)
    email = forms.EmailField(
        label=_lazy("Thư điện tử"),
        required=False,
        help_text=_lazy("Không bắt buộc; nếu có, đường dẫn đặt mật khẩu được gửi tới đây."),
        error_messages={"invalid": _lazy("Địa chỉ thư điện tử không hợp lệ.")},
    )


class AccountCreateForm(RoleFormMixin, AccountForm):
    username = forms.RegexField(
        label=_lazy("Tên đăng nhập"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_lazy("Chữ không dấu, số và . @ + - _; không có khoảng trắng."),
        error_messages={"invalid": _lazy("Tên đăng nhập chỉ gồm chữ, số và . @ + - _.")},
    )
    password1 = forms.CharField(
        label=_lazy("Mật khẩu ban đầu"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_lazy(
            "Để trống: hệ thống cấp một đường dẫn dùng một lần để người dùng tự đặt mật khẩu."
        ),
    )
    password2 = forms.CharField(
        label=_lazy("Nhập lại mật khẩu"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = ["username", "full_name", "email", "role", "area", "cooperative", "unit"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("password1") or "", data.get("password2") or ""
        if first != second:
            self.add_error("password2", _lazy("Hai lần nhập mật khẩu không khớp."))
        elif first and "username" in data:
            from django.contrib.auth.models import User

            probe = User(
                username=data["username"],
                email=data.get("email", ""),
                first_name=data.get("full_name", ""),
            )
            try:
                password_validation.validate_password(first, probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return data
