"""Display of rates and amounts on the revenue pages."""

from decimal import Decimal

from django import template

from revenue.tables import money, percent

register = template.Library()


@register.filter
def pct(rate: Decimal | None) -> str:
    """0.4987 → 49.87%."""
    return percent(rate)


@register.filter
def yuan(amount: Decimal | None) -> str:
    """1234567.5 → 1,234,567.50."""
    return money(amount)
