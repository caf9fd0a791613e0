"""Tables of the activities lists (sortable, paginated, exported to xlsx as shown)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from marketing_ops import formatting
from marketing_ops.tables import NUM, DateColumn, MoneyColumn, PersonColumn
from revenue.activities.services import can_complete_follow_up
from revenue.models import FieldVisit, FollowUpAction, MarketingCase, TariffPackage, Training

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}


class CountyCodesColumn(tables.Column):
    """The counties of a many-to-many record as codes ("C01, C03"), from the prefetch cache."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("empty_values", ())
        super().__init__(**kwargs)

    def render(self, value: Any) -> str:
        return ", ".join(county.code for county in value.all()) or formatting.MISSING

    def value(self, value: Any) -> str:
        return ", ".join(county.code for county in value.all())


class IsoDateColumn(DateColumn):
    """Dates shown as 2026-03-24 and exported as real dates (sortable in a spreadsheet)."""

    def value(self, value: Any) -> Any:
        return value


class IsoDateTimeColumn(IsoDateColumn):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", formatting.DATETIME_FORMAT)
        super().__init__(**kwargs)


class TariffPackageTable(tables.Table):
    status = tables.Column(verbose_name=_("Status"))
    name = tables.Column(
        linkify=("revenue:tariff-package-detail", {"pk": tables.A("pk")}), verbose_name=_("Name")
    )
    monthly_fee = MoneyColumn(verbose_name=_("Monthly fee (yuan)"))
    counties = CountyCodesColumn(verbose_name=_("Counties promoting it"))
    applied_on = IsoDateColumn(verbose_name=_("Applied to province on"))
    approved_on = IsoDateColumn(verbose_name=_("Approved on"))

    class Meta:
        model = TariffPackage
        fields = ("name", "monthly_fee", "status", "applied_on", "approved_on", "counties")
        attrs = TABLE_ATTRS
        empty_text = _("No tariff package matches. Clear the filters or record a new package.")


class TrainingTable(tables.Table):
    kind = tables.Column(verbose_name=_("Kind"))
    date = IsoDateColumn(verbose_name=_("Date"))
    topic = tables.Column(
        linkify=("revenue:training-detail", {"pk": tables.A("pk")}), verbose_name=_("Topic")
    )
    attendees = tables.Column(attrs=NUM, verbose_name=_("Attendees"))
    counties = CountyCodesColumn(verbose_name=_("Counties"))

    class Meta:
        model = Training
        fields = ("date", "kind", "topic", "counties", "attendees")
        attrs = TABLE_ATTRS
        empty_text = _("No training or meeting matches. Clear the filters or record one.")


class MarketingCaseTable(tables.Table):
    title = tables.Column(
        linkify=("revenue:case-detail", {"pk": tables.A("pk")}), verbose_name=_("Title")
    )
    county = tables.Column(
        accessor="county__code",
        order_by=("county__sort_order", "county__code"),
        verbose_name=_("County"),
    )
    new_households = tables.Column(attrs=NUM, verbose_name=_("New households"))
    revenue_gain = MoneyColumn(verbose_name=_("Revenue gain (yuan)"))
    tags = tables.Column(orderable=False, empty_values=(), verbose_name=_("Tags"))
    created_by = PersonColumn(accessor="created_by", verbose_name=_("By"))
    created_at = IsoDateTimeColumn(verbose_name=_("Added"))

    class Meta:
        model = MarketingCase
        fields = (
            "title",
            "county",
            "new_households",
            "revenue_gain",
            "tags",
            "created_by",
            "created_at",
        )
        attrs = TABLE_ATTRS
        empty_text = _("No case matches. Try fewer words, another tag, or add your county's case.")

    def render_tags(self, value: Any) -> str:
        return format_html_join(
            " ",
            '<a class="badge text-bg-light text-decoration-none" href="?tag={}">{}</a>',
            ((tag.name, tag.name) for tag in value.all()),
        )

    def value_tags(self, value: Any) -> str:
        return ", ".join(tag.name for tag in value.all())


class FieldVisitTable(tables.Table):
    kind = tables.Column(verbose_name=_("Kind"))
    participants = tables.Column(verbose_name=_("Participants"))
    date = IsoDateColumn(
        linkify=("revenue:field-visit-detail", {"pk": tables.A("pk")}), verbose_name=_("Date")
    )
    county = tables.Column(
        accessor="county__code",
        order_by=("county__sort_order", "county__code"),
        verbose_name=_("County"),
    )
    findings = tables.Column(orderable=False, verbose_name=_("Findings"))
    follow_up_count = tables.Column(verbose_name=_("Follow-ups"), attrs=NUM)
    open_follow_up_count = tables.Column(verbose_name=_("Open"), attrs=NUM)

    class Meta:
        model = FieldVisit
        fields = ("date", "county", "kind", "participants", "findings")
        sequence = ("date", "county", "kind", "participants", "findings", "...")
        attrs = TABLE_ATTRS
        empty_text = _("No field visit matches. Clear the filters or record a visit.")

    def render_findings(self, value: str) -> str:
        return value if len(value) <= 120 else value[:117] + "…"

    def value_findings(self, value: str) -> str:
        return value


class FollowUpTable(tables.Table):
    description = tables.Column(
        linkify=("revenue:field-visit-detail", {"pk": tables.A("visit_id")}),
        verbose_name=_("Description"),
    )
    county = tables.Column(
        accessor="visit__county__code",
        order_by=("visit__county__sort_order", "visit__county__code"),
        verbose_name=_("County"),
    )
    due_on = IsoDateColumn(verbose_name=_("Due on"))
    visit = IsoDateColumn(accessor="visit__date", verbose_name=_("Visit on"))
    owner = PersonColumn(accessor="owner", verbose_name=_("Owner"))
    days_overdue = tables.Column(
        empty_values=(), orderable=False, attrs=NUM, verbose_name=_("Days overdue")
    )
    mark_done = tables.Column(
        empty_values=(), verbose_name="", orderable=False, exclude_from_export=True
    )

    class Meta:
        model = FollowUpAction
        fields = ("due_on", "description", "county", "visit", "owner", "days_overdue")
        attrs = TABLE_ATTRS
        # A month late is shown in red.
        row_attrs = {
            "class": lambda record, table: (
                "row-at_risk" if (table.today - record.due_on).days > 30 else ""
            )
        }
        empty_text = _("Nothing is overdue. Every follow-up action is done or not yet due.")

    def __init__(self, *args: Any, today: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def render_days_overdue(self, record: FollowUpAction) -> int:
        return max(0, (self.today - record.due_on).days)

    def value_days_overdue(self, record: FollowUpAction) -> int:
        return self.render_days_overdue(record)

    def render_mark_done(self, record: FollowUpAction) -> str:
        request = getattr(self, "request", None)
        if request is None or not can_complete_follow_up(request.user, record):
            return ""
        return format_html(
            '<form method="post" action="{}" class="m-0">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="next" value="{}">'
            '<button class="btn btn-sm btn-outline-success" type="submit">{}</button>'
            "</form>",
            reverse("revenue:follow-up-done", args=[record.pk]),
            get_token(request),
            request.get_full_path(),
            _("Mark done"),
        )
