from django.apps import AppConfig


class RevenueConfig(AppConfig):
    name = "revenue"
    verbose_name = "Revenue"
    # Navigation entries: (label, url name, roles allowed or () for everyone logged in).
    nav_items: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
