"""Administrative units through time (DOMAIN.md §3).

A unit is its code read at a date: codes are reused after mergers (3562 was Xã Vàng Ma Chải
before 01/7/2025 and is Xã Sì Lở Lầu after), so a row carries a validity interval and no
code is unique on its own.
"""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kttt.lib.text import sort_key


class Level(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    DISTRICT = "district", _("Huyện")
    COMMUNE = "commune", _("Xã")


CODE_WIDTH = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}


def canonical_code(raw: str | int, level: str) -> str:
    """Codes are zero-padded to their level's width: 3549 and 03549 are the same commune."""
    return str(int(str(raw).strip())).zfill(CODE_WIDTH[Level(level)])


def valid_on(on: dt.date) -> Q:
    """Rows whose validity interval (valid_from to valid_to, inclusive; blank = open) holds
    `on`: administrative units here, implementing units in kttt.plans."""
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=on)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


class UnitQuerySet(models.QuerySet["Unit"]):
    def valid_at(self, on: dt.date) -> "UnitQuerySet":
        return self.filter(valid_on(on))


class Unit(models.Model):
    code = models.CharField(_("mã"), max_length=5, db_index=True)
    name = models.CharField(_("tên"), max_length=120)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    # What the name calls it: tỉnh, thành phố, huyện, thị xã, xã, phường, thị trấn.
    division_type = models.CharField(_("loại"), max_length=20)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("trực thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Denormalised ancestors (a unit's parent never changes within its validity), so that
    # "located in area A" is one indexed comparison, not a recursive walk.
    province = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến hết ngày"), null=True, blank=True)
    source = models.TextField(_("nguồn"), blank=True)
    sort_name = models.CharField(max_length=400, editable=False, db_index=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["sort_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "level", "valid_from"], name="unit_code_level_from_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="unit_valid_interval",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.sort_name = sort_key(self.name)
        self.province_id, self.district_id = self.ancestor_ids()
        super().save(*args, **kwargs)

    def ancestor_ids(self) -> tuple[int | None, int | None]:
        parent = self.parent
        if parent is None:
            return None, None
        if parent.level == Level.PROVINCE:
            return parent.pk, None
        return parent.province_id, parent.pk

    def is_valid_at(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )

    @property
    def label(self) -> str:
        """Name with code and, for a unit that has ended, its last day."""
        if self.valid_to:
            return _("%(name)s (%(code)s, đến %(end)s)") % {
                "name": self.name,
                "code": self.code,
                "end": self.valid_to.strftime("%d/%m/%Y"),
            }
        return f"{self.name} ({self.code})"


class Succession(models.Model):
    """On `date`, the old units became the new ones. Applying it adds location rows dated
    `date` for the entities in the old units; it never rewrites history."""

    date = models.DateField(_("ngày hiệu lực"))
    old_units = models.ManyToManyField(
        Unit, related_name="succeeded_by", verbose_name=_("đơn vị cũ")
    )
    new_units = models.ManyToManyField(
        Unit, related_name="successor_of", verbose_name=_("đơn vị mới")
    )
    only_old_territory = models.BooleanField(
        _("đơn vị mới chỉ gồm địa bàn của đơn vị cũ"),
        default=True,
        help_text=_("Bỏ chọn khi đơn vị mới còn nhận thêm địa bàn từ nơi khác."),
    )
    verified = models.BooleanField(_("đã xác minh theo văn bản chính thức"), default=False)
    source = models.TextField(_("căn cứ / nguồn"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("sắp xếp đơn vị hành chính")
        verbose_name_plural = _("sắp xếp đơn vị hành chính")
        ordering = ["-date", "pk"]

    def __str__(self) -> str:
        olds = ", ".join(u.name for u in self.old_units.all())
        news = ", ".join(u.name for u in self.new_units.all())
        return f"{self.date:%d/%m/%Y}: {olds} → {news}"
