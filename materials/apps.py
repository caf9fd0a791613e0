from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class MaterialsConfig(AppConfig):
    name = "materials"
    verbose_name = _("Materials")
    # Navigation entries: (label, url name, roles allowed or () for everyone logged in).
    #: The entries below show as one "Materials" dropdown of the top bar.
    nav_group = _("Materials")
    nav_items: tuple[tuple[StrOrPromise, str, tuple[str, ...]], ...] = (
        (_("Stock"), "materials:stock", ()),
        (_("Ledger"), "materials:moves", ()),
        (_("Terminals"), "materials:terminals", ()),
        (_("Closed loop"), "materials:loop", ()),
        (_("Stock counts"), "materials:counts", ()),
        (_("Random checks"), "materials:random-checks", ()),
    )

    def ready(self) -> None:
        # Every county has its warehouse from the moment it exists (docs/materials.md#the-ledger).
        # Counties are made
        # by the core (admin, the counties dataset, the demo), which imports no app; the core
        # sends ``counties_saved`` after its bulk upserts, and a single county saved any other way
        # is seen by post_save. The handlers hold no rule: they only make missing warehouses.
        from django.db.models.signals import post_save

        from marketing_ops.models import County, counties_saved
        from materials.services import warehouses

        post_save.connect(
            warehouses.county_saved, sender=County, dispatch_uid="materials_county_warehouse"
        )
        counties_saved.connect(
            warehouses.counties_saved, dispatch_uid="materials_counties_warehouses"
        )
