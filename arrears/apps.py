from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ArrearsConfig(AppConfig):
    name = "arrears"
    verbose_name = _("Arrears")
    # Navigation entries: (label, url name, roles allowed or () for everyone logged in).
    nav_items: tuple[tuple[StrOrPromise, str, tuple[str, ...]], ...] = (
        (_("Arrears"), "arrears:dashboard", ()),
        (_("Collection"), "arrears:worklist", ()),
    )

    def ready(self) -> None:
        # One-bill saves and deletes (admin, the ORM, an account's cascade) keep the month ×
        # county totals in step; bulk writes refresh them themselves. Why a signal here, the one
        # the project has: see "one-bill writes" in arrears.services.bill_totals.
        from django.db.models.signals import post_delete, post_save

        from arrears.models import Bill
        from arrears.services import bill_totals

        post_save.connect(bill_totals.bill_saved, sender=Bill, dispatch_uid="bill_totals_saved")
        post_delete.connect(
            bill_totals.bill_deleted, sender=Bill, dispatch_uid="bill_totals_deleted"
        )
