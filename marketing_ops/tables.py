from typing import Any

import django_tables2 as tables

from marketing_ops.models import Briefing, BusinessLine, County, ImportJob

#: Right-aligned, tabular figures (static/css/app.css).
NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


class NumColumn(tables.Column):
    """A right-aligned number."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", NUM)
        super().__init__(*args, **kwargs)


class MoneyColumn(NumColumn):
    """Yuan shown as 86,400.00 on the page, exported as the Decimal itself."""

    def render(self, value: Any) -> str:
        return f"{value:,.2f}"

    def value(self, value: Any) -> Any:
        return value


class RateColumn(NumColumn):
    """A 4-place fraction shown as a percentage (49.87%), exported as the fraction."""

    def render(self, value: Any) -> str:
        return f"{value * 100:.2f}%"

    def value(self, value: Any) -> Any:
        return value


class CountyTable(tables.Table):
    class Meta:
        model = County
        fields = ("code", "name", "kind", "active")
        attrs = {"class": "table table-sm table-hover"}
        orderable = False


class BusinessLineTable(tables.Table):
    class Meta:
        model = BusinessLine
        fields = ("code", "name", "unit", "deposit_required", "uses_terminal")
        attrs = {"class": "table table-sm table-hover"}
        orderable = False


class ImportJobTable(tables.Table):
    id = tables.Column(linkify=("import-detail", {"pk": tables.A("pk")}), verbose_name="#")
    created_by = tables.Column(accessor="created_by__username", verbose_name="By")
    county = tables.Column(accessor="county__code", verbose_name="County")

    class Meta:
        model = ImportJob
        fields = (
            "id",
            "dataset",
            "file_name",
            "status",
            "rows",
            "applied",
            "error_count",
            "created_by",
            "county",
            "created_at",
        )
        attrs = {"class": "table table-sm table-hover"}
        empty_text = "No imports yet."


class BriefingTable(tables.Table):
    subject = tables.Column(linkify=("briefing-detail", {"pk": tables.A("pk")}))

    class Meta:
        model = Briefing
        fields = ("subject", "kind", "period", "scope", "sent_at", "send_count")
        attrs = {"class": "table table-sm table-hover"}
        empty_text = "No briefing has been sent yet."
