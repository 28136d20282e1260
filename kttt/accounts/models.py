"""Roles, each scoped to an area at any level (a province, a district that may have ended,
a commune), so that the same works before and after the 2025 reform."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    PLANNING = "planning", _("Cán bộ tổng hợp")
    DEPARTMENT = "department", _("Phòng chuyên môn")
    COMMUNE = "commune", _("Cán bộ xã")
    COOPERATIVE = "cooperative", _("Đại diện HTX")
    VIEWER = "viewer", _("Người xem")


class Membership(models.Model):
    """A user's role in an area. A user may hold several (a commune officer for two communes).
    The area is a code read at today's date, like every area selector (DOMAIN.md §3)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=12, choices=Role.choices)
    area_code = models.CharField(
        _("mã địa bàn"),
        max_length=5,
        blank=True,
        help_text=_("Để trống với quản trị hệ thống: toàn bộ dữ liệu."),
    )
    cooperative = models.ForeignKey(
        "registry.Entity",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("HTX"),
    )
    department = models.CharField(_("phòng ban"), max_length=120, blank=True)
    # The department or commune whose plan work (activities) this role may write.
    implementing_unit = models.ForeignKey(
        "plans.ImplementingUnit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
        verbose_name=_("đơn vị thực hiện"),
    )

    class Meta:
        verbose_name = _("vai trò")
        verbose_name_plural = _("vai trò")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="cooperative") | Q(cooperative__isnull=False),
                name="membership_cooperative_role_has_cooperative",
            ),
            models.CheckConstraint(
                condition=Q(role="admin") | Q(role="cooperative") | ~Q(area_code=""),
                name="membership_scoped_role_has_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} {self.area_code}"


class AccountAuditEntry(models.Model):
    """One change to an account: who made it, when, and what changed (docs/roles.md).
    Kept when the person who made it is removed; deleted only with the account itself,
    which the pages never do (an account is deactivated, never deleted)."""

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo tài khoản")
        UPDATE = "update", _("Sửa thông tin")
        ROLE_ADD = "role_add", _("Thêm vai trò")
        ROLE_REMOVE = "role_remove", _("Bỏ vai trò")
        DEACTIVATE = "deactivate", _("Khóa tài khoản")
        REACTIVATE = "reactivate", _("Mở lại tài khoản")
        RESET_LINK = "reset_link", _("Cấp đường dẫn đặt mật khẩu")
        PASSWORD_SET = "password_set", _("Đặt mật khẩu qua đường dẫn")
        PASSWORD_CHANGE = "password_chg", _("Tự đổi mật khẩu")
        TOKEN_CREATE = "token_create", _("Tạo khóa API")
        TOKEN_REVOKE = "token_revoke", _("Thu hồi khóa API")

    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_audit",
        verbose_name=_("tài khoản"),
    )
    action = models.CharField(_("thao tác"), max_length=12, choices=Action.choices)
    changes = models.JSONField(_("thay đổi"), default=dict)
    source = models.CharField(_("nguồn"), max_length=20, default="web")

    class Meta:
        verbose_name = _("nhật ký tài khoản")
        verbose_name_plural = _("nhật ký tài khoản")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.user} {self.get_action_display()}"


class ApiToken(models.Model):
    """A key for the HTTP API (issue 10): it acts as its user, with the user's roles and
    territory. Only a hash of the key is stored; the key itself is shown once, when made.
    The prefix (the key's first characters, not secret) names it in lists and finds it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("tài khoản"),
    )
    name = models.CharField(_("tên gợi nhớ"), max_length=100, blank=True)
    prefix = models.CharField(_("mã nhận diện"), max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
