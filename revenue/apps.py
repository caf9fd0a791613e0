from django.apps import AppConfig
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class RevenueConfig(AppConfig):
    name = "revenue"
    verbose_name = _("Revenue and business development")
    # Navigation entries: (label, url name, roles allowed or () for everyone logged in).
    nav_items: tuple[tuple[str | Promise, str, tuple[str, ...]], ...] = (
        (_("Revenue"), "revenue:dashboard", ()),
        (_("Reports"), "revenue:reports", ()),
        (_("Plans"), "revenue:plans", ()),
        (_("Activities"), "revenue:activities", ()),
    )
