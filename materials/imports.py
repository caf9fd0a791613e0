"""The materials app's datasets (docs/file-formats.md)."""

from __future__ import annotations

from marketing_ops import tabular
from marketing_ops.access import WRITING_ROLES
from materials.services import loop


@tabular.register
class DailyOperationsDataset(tabular.Dataset):
    name = "daily_operations"
    label = "Daily operations"
    description = (
        "The support center's installs and dismantles per county, day and business line; a "
        "county, day and line sent again replaces its figures. The closed loop compares them "
        "with the terminals issued and returned."
    )
    roles = WRITING_ROLES
    columns = (
        tabular.Date("business_date"),
        tabular.CountyCode("county_code"),
        tabular.BusinessLineCode("business_line"),
        tabular.Integer("installs"),
        tabular.Integer("dismantles"),
    )
    key_columns = ("business_date", "county_code", "business_line")

    def apply(self, ctx: tabular.ImportContext) -> int:
        return loop.daily_operations_write(rows=ctx.state["rows"])
