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
