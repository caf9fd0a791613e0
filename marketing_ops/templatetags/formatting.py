"""Template filters over ``marketing_ops.formatting``.

``{% load formatting %}`` then ``{{ amount|yuan }}``, ``{{ rate|pct }}``, ``{{ gap|pp }}``,
``{{ n|count }}``, ``{{ day|day }}``, ``{{ month|month }}``, ``{{ user|person }}`` (the display
name); ``{{ gap|pp_apart }}`` drops the sign where the sentence says ahead or behind. They follow
the active language (``formatting.forms``).
"""

from django import template

from marketing_ops import formatting

register = template.Library()

register.filter("yuan", formatting.money)
register.filter("pct", formatting.percent)
register.filter("pp", formatting.points)
register.filter("pp_apart", formatting.points_apart)
register.filter("count", formatting.count)
register.filter("day", formatting.date)
register.filter("month", formatting.month)
register.filter("period", formatting.period)
register.filter("person", formatting.person)
