import django_tables2 as tables

from marketing_ops.models import Briefing, BusinessLine, County, ImportJob


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
