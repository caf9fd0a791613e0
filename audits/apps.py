from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = _("Audits")
    # Navigation entries: (label, url name, roles allowed or () for everyone logged in).
    #: The entries below show as one "Audits" dropdown of the top bar.
    nav_group = _("Audits")
    nav_items: tuple[tuple[StrOrPromise, str, tuple[str, ...]], ...] = (
        (_("Audit calendar"), "audits:calendar", ()),
        (_("Verification items"), "audits:items", ()),
        (_("Cash flow"), "audits:cashflow", ()),
        (_("False users"), "audits:false-users", ()),
        (_("On-site verifications"), "audits:onsite", ()),
        (_("Notices"), "audits:notices", ()),
    )
