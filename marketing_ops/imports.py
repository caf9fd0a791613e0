"""The core's datasets (docs/file-formats.md): counties and business lines, both upserted on
``code``."""

import re
from typing import cast

from django.utils.translation import gettext_lazy as _

from marketing_ops import tabular
from marketing_ops.access import Role
from marketing_ops.models import (
    BusinessLine,
    County,
    counties_saved,
    safe_code,
    upper_snake_case,
)


@tabular.register
class CountiesDataset(tabular.Dataset):
    name = "counties"
    label = _("Counties")
    description = _("Counties and districts; existing codes are updated.")
    roles = (Role.CITY_ADMIN,)
    columns = (
        tabular.Text("code", max_length=16),
        tabular.Text("name", max_length=100),
        tabular.Choice("kind", County.Kind.values),
        tabular.Integer("sort_order", required=False, default=0),
    )
    key_columns = ("code",)

    def validate_row(self, values: tuple, ctx: tabular.ImportContext) -> list[tuple[str, str]]:
        code = values[0]
        if not cast(re.Pattern[str], safe_code.regex).match(code):
            return [("code", f"{safe_code.message} Got {code!r}.")]
        return []

    def apply(self, ctx: tabular.ImportContext) -> int:
        rows = ctx.state["rows"]
        counties = [
            County(code=code, name=name, kind=kind, sort_order=sort_order or 0)
            for code, name, kind, sort_order in rows
        ]
        County.objects.bulk_create(
            counties,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "kind", "sort_order"],
        )
        counties_saved.send(sender=County)
        return len(counties)


@tabular.register
class BusinessLinesDataset(tabular.Dataset):
    name = "business_lines"
    label = _("Business lines")
    description = _("Business lines (upper snake case codes); existing codes are updated.")
    roles = (Role.CITY_ADMIN,)
    columns = (
        tabular.Text("code", max_length=32),
        tabular.Text("name", max_length=100),
        tabular.Text("unit", max_length=30),
        tabular.YesNo("deposit_required", required=False, default=None),
    )
    key_columns = ("code",)

    def validate_row(self, values: tuple, ctx: tabular.ImportContext) -> list[tuple[str, str]]:
        code = values[0]
        # RegexValidator compiles its pattern when made; the stubs also allow the str given.
        if not cast(re.Pattern[str], upper_snake_case.regex).match(code):
            return [("code", f"use upper snake case, e.g. BROADBAND; got {code!r}")]
        return []

    def apply(self, ctx: tabular.ImportContext) -> int:
        rows = ctx.state["rows"]
        existing = dict(BusinessLine.objects.values_list("code", "deposit_required"))
        lines = [
            BusinessLine(
                code=code,
                name=name,
                unit=unit,
                # A blank deposit_required keeps what the line had (False for a new one).
                deposit_required=existing.get(code, False) if deposit is None else deposit,
            )
            for code, name, unit, deposit in rows
        ]
        BusinessLine.objects.bulk_create(
            lines,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "unit", "deposit_required"],
        )
        return len(lines)
