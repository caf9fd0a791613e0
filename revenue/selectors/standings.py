"""The city's standing in the province, as city staff enter it each month."""

from __future__ import annotations

from django.db.models import QuerySet

from revenue.models import ProvinceStanding


def province_standings(year: int | None = None) -> QuerySet[ProvinceStanding]:
    standings = ProvinceStanding.objects.select_related("entered_by__profile")
    return standings.filter(year=year) if year else standings


def province_standing(year: int, month: int) -> ProvinceStanding | None:
    return ProvinceStanding.objects.filter(year=year, month=month).first()
