"""The working-day calendar: 法定节假日 and 调休 workdays per year, nationally and as local overlays.

A day not listed is a workday from Monday to Friday and a rest day on Saturday and Sunday. A listed day
says otherwise: a holiday (放假) on a weekday, or a workday (调休上班) on a weekend. A local overlay (``unit``
set) applies to that unit's subtree and wins over the national entry for the same date."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class CalendarYear(models.Model):
    """A year's source: the State Council notice it was entered from, and whether its 调休 are entered."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    source = models.CharField("依据", max_length=200, blank=True)
    confirmed = models.BooleanField("调休安排已录入", default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假"
        WORKDAY = "workday", "调休上班"

    date = models.DateField("日期")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    name = models.CharField("名称", max_length=50)
    unit = models.ForeignKey(
        "orgs.Unit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="适用单位",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=models.Q(unit__isnull=True), name="workdays_one_national_entry"
            ),
            models.UniqueConstraint(fields=["date", "unit"], name="workdays_one_local_entry"),
        ]
        indexes = [models.Index(fields=["unit", "date"], name="workdays_unit_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"
