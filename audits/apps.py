from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Audits")
    # Navigation entries: (label, url name, roles allowed or () for everyone logged in).
    nav_items: tuple[tuple[str, str, tuple[str, ...]], ...] = (
        (_("Audits"), "audits:calendar", ()),
    )
