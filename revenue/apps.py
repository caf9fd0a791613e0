from django.apps import AppConfig


class RevenueConfig(AppConfig):
    name = "revenue"
    verbose_name = "Revenue and business development"
    # Navigation entries: (label, url name, roles allowed or () for everyone logged in).
    nav_items: tuple[tuple[str, str, tuple[str, ...]], ...] = (
        ("Revenue", "revenue:dashboard", ()),
        ("Reports", "revenue:reports", ()),
        ("Plans", "revenue:plans", ()),
        ("Activities", "revenue:activities", ()),
    )
