"""Tables of the audit and finding lists (sortable, paginated, exported to xlsx as shown)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audits.calculations import required_levels
from audits.models import Audit, Finding, Holiday, VerificationItem
from audits.selectors.audits import signed_levels
from audits.selectors.notices import reason_text
from marketing_ops import formatting
from marketing_ops.tables import DateColumn, MoneyColumn, NumColumn, PersonColumn, RateColumn

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}


class IsoDateColumn(DateColumn):
    """Dates shown in the page's form (2026-03-24, 2026年3月24日) and exported as real dates."""

    def value(self, value: Any) -> Any:
        return value


#: The calendar's colours of a status (Bootstrap badges); overdue is red.
STATUS_CSS = {
    "passed": "text-bg-success",
    "failed": "text-bg-dark",
    "in_progress": "text-bg-warning",
    "pending": "text-bg-secondary",
    "overdue": "text-bg-danger",
}


class StatusColumn(tables.Column):
    """The status as a coloured badge (the calendar's colours); exported as its code."""

    def render(self, value: Any, record: Any) -> str:
        overdue = record.is_overdue(timezone.localdate())
        css = STATUS_CSS["overdue" if overdue else record.status]
        return format_html(
            '<span class="badge {}">{}{}</span>',
            css,
            record.get_status_display(),
            format_html(" · {}", _("overdue")) if overdue else "",
        )

    def value(self, value: Any, record: Any) -> str:
        return str(record.status)


class AuditTable(tables.Table):
    county = tables.Column(
        accessor="county__code", verbose_name=_("County"), order_by="county__sort_order"
    )
    period = tables.Column(
        linkify=("audits:detail", {"pk": tables.A("pk")}),
        order_by="period_end",
        verbose_name=_("Period"),
    )
    cadence = tables.Column(verbose_name=_("Cadence"))
    status = StatusColumn(verbose_name=_("Status"))
    due_on = IsoDateColumn(verbose_name=_("Due on"))
    overdue = tables.Column(empty_values=(), orderable=False, verbose_name=_("Overdue"))
    late = tables.BooleanColumn(verbose_name=_("Late"))
    levels = tables.Column(empty_values=(), orderable=False, verbose_name=_("Signed levels"))

    class Meta:
        model = Audit
        fields = ("county", "cadence", "period", "status", "due_on", "overdue", "late", "levels")
        attrs = TABLE_ATTRS
        empty_text = _("No audit matches. Clear the filters.")

    def render_overdue(self, record: Audit) -> str:
        return str(_("Yes")) if record.is_overdue(timezone.localdate()) else ""

    def value_overdue(self, record: Audit) -> bool:
        return record.is_overdue(timezone.localdate())

    def render_period(self, value: str) -> str:
        return formatting.period(value)

    def value_period(self, value: str) -> str:
        return value

    def render_levels(self, record: Audit) -> str:
        signed = signed_levels(record)
        needed = required_levels(record.cadence)
        return " → ".join(
            (_("L%(level)s") % {"level": lvl}) + (" ✓" if lvl in signed else "") for lvl in needed
        )

    def value_levels(self, record: Audit) -> str:
        return ",".join(str(lvl) for lvl in signed_levels(record))


class FindingTable(tables.Table):
    id = tables.Column(linkify=("audits:finding", {"pk": tables.A("pk")}), verbose_name="#")
    county = tables.Column(
        accessor="county__code", verbose_name=_("County"), order_by="county__sort_order"
    )
    audit = tables.Column(
        linkify=("audits:detail", {"pk": tables.A("audit_id")}), order_by="audit__period_end"
    )
    category = tables.Column()
    severity = tables.Column()
    description = tables.Column()
    amount = MoneyColumn()
    owner = PersonColumn(accessor="owner", verbose_name=_("Owner"))
    status = tables.Column()
    due_on = IsoDateColumn()
    overdue = tables.Column(empty_values=(), orderable=False, verbose_name=_("Overdue"))

    class Meta:
        model = Finding
        fields = (
            "id",
            "county",
            "audit",
            "category",
            "severity",
            "description",
            "amount",
            "owner",
            "status",
            "due_on",
            "overdue",
        )
        attrs = TABLE_ATTRS
        empty_text = _("No finding matches. Clear the filters.")

    def render_audit(self, record: Finding) -> str:
        return f"{record.audit.get_cadence_display()} {formatting.period(record.audit.period)}"

    def value_audit(self, record: Finding) -> str:
        return f"{record.audit.cadence} {record.audit.period}"

    def render_overdue(self, record: Finding) -> str:
        return str(_("Yes")) if record.is_overdue(timezone.localdate()) else ""

    def value_overdue(self, record: Finding) -> bool:
        return record.is_overdue(timezone.localdate())


class HolidayTable(tables.Table):
    date = IsoDateColumn()
    name = tables.Column()

    class Meta:
        model = Holiday
        fields = ("date", "name")
        attrs = TABLE_ATTRS
        empty_text = _("No holiday recorded.")


class ItemTable(tables.Table):
    """The county worklist of verification items; for an auditor who works items
    (``workable``), each item links to the page that works it."""

    id = tables.Column(verbose_name="#", order_by="pk")
    county = tables.Column(
        accessor="county__code", verbose_name=_("County"), order_by="county__sort_order"
    )
    business_date = IsoDateColumn()
    rule = tables.Column()
    order_no = tables.Column()
    account_no = tables.Column()
    amount = MoneyColumn()
    explanation = tables.Column(orderable=False)
    status = tables.Column()
    explained_by = tables.Column()
    finding = tables.Column(
        linkify=("audits:finding", {"pk": tables.A("finding_id")}),
        accessor="finding_id",
        verbose_name=_("Finding"),
    )

    def __init__(self, *args: Any, workable: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workable = workable

    def render_id(self, record: VerificationItem, value: int) -> str:
        if not self.workable:
            return str(value)
        return format_html('<a href="{}">{}</a>', reverse("audits:item", args=[record.pk]), value)

    def value_id(self, value: int) -> int:
        return value

    class Meta:
        model = VerificationItem
        fields = (
            "id",
            "county",
            "business_date",
            "rule",
            "order_no",
            "account_no",
            "amount",
            "explanation",
            "status",
            "explained_by",
            "finding",
        )
        attrs = TABLE_ATTRS


def _overview_columns() -> dict[str, tables.Column]:
    return {
        f"rule_{n}": tables.Column(
            accessor=tables.A(f"open_by_rule__{n}"), verbose_name=rule, orderable=False
        )
        for n, rule in enumerate(VerificationItem.Rule.values)
    }


class ItemOverviewTable(tables.Table):
    """The city overview: open items per county and rule, and the items already worked."""

    county = tables.Column(accessor="county__name", verbose_name=_("County"), orderable=False)
    locals().update(_overview_columns())
    open_total = tables.Column(verbose_name=_("Open"), orderable=False)
    worked_total = tables.Column(verbose_name=_("Worked"), orderable=False)

    class Meta:
        attrs = TABLE_ATTRS
        sequence = ("county", "...", "open_total", "worked_total")


class CashFlowStatusColumn(tables.Column):
    """A reconciliation's status as a badge (the calendar's colours); not entered in grey."""

    def render(self, value: Any, record: Any) -> str:
        if not record.entered:
            return format_html('<span class="badge text-bg-light">{}</span>', _("not entered"))
        rec = record.reconciliation
        return format_html(
            '<span class="badge {}">{}</span>', STATUS_CSS[rec.status], rec.get_status_display()
        )

    def value(self, value: Any, record: Any) -> str:
        return str(record.status)


class CashFlowRankingTable(tables.Table):
    """The month's counties ranked by |difference| ÷ receivable (``selectors.cashflow``)."""

    rank = tables.Column(verbose_name=_("Rank"), default="—")
    county = tables.Column(
        accessor="county__code",
        verbose_name=_("County"),
        linkify=lambda record: reverse(
            "audits:cashflow-detail", args=[record.county.code, str(record.month)]
        ),
    )
    name = tables.Column(accessor="county__name", verbose_name=_("Name"))
    receivable = MoneyColumn(accessor="reconciliation__receivable", verbose_name=_("Receivable"))
    received = MoneyColumn(accessor="reconciliation__received", verbose_name=_("Received"))
    difference = MoneyColumn(verbose_name=_("Difference"))
    relative = RateColumn(verbose_name=_("|Difference| ÷ receivable"))
    status = CashFlowStatusColumn(verbose_name=_("Status"), empty_values=())
    signed = tables.Column(
        accessor="signed_levels", verbose_name=_("Signed levels"), empty_values=()
    )
    explanation = tables.Column(
        accessor="reconciliation__explanation", verbose_name=_("Explanation"), default=""
    )

    class Meta:
        attrs = {**TABLE_ATTRS, "id": "cashflow-ranking"}
        orderable = False
        row_attrs = {"data-county": lambda record: record.county.code}

    def render_signed(self, value: list[int]) -> str:
        return " → ".join(f"L{level}" for level in value) or "—"

    def value_signed(self, value: list[int]) -> str:
        return ",".join(str(level) for level in value)


# --------------------------------------------------------------------------- false users


class FalseUserTable(tables.Table):
    id = tables.Column(
        verbose_name=_("Case"), linkify=("audits:false-user", {"pk": tables.A("pk")})
    )
    county = tables.Column(
        accessor="county__code", verbose_name=_("County"), order_by="county__sort_order"
    )
    account = tables.Column(
        accessor="account__account_no", verbose_name=_("Account"), order_by="account__account_no"
    )
    customer = tables.Column(accessor="account__customer_name", verbose_name=_("Customer"))
    source = tables.Column(verbose_name=_("Source"))
    status = tables.Column(verbose_name=_("Status"))
    reported_at = DateColumn(verbose_name=_("Reported"), format="Y-m-d H:i")
    reported_by = PersonColumn(accessor="reported_by", verbose_name=_("Reported by"), default="—")
    reason = tables.Column(verbose_name=_("Reason"), orderable=False)
    removed_on = IsoDateColumn(verbose_name=_("Removed on"), default="—")

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("No false-user cases match. The rule runs on the 2nd of every month.")


class FalseUserCountTable(tables.Table):
    """Cases per county and month: reported (by the rule or by hand), confirmed, removed and
    cleared in the month."""

    month = tables.Column(verbose_name=_("Month"), orderable=False)
    county = tables.Column(accessor="county__name", verbose_name=_("County"), orderable=False)
    found_by_rule = NumColumn(verbose_name=_("Found by the rule"), orderable=False)
    reported_by_hand = NumColumn(verbose_name=_("Reported by hand"), orderable=False)
    reported = NumColumn(verbose_name=_("Reported"), orderable=False)
    confirmed = NumColumn(verbose_name=_("Confirmed"), orderable=False)
    removed = NumColumn(verbose_name=_("Removed"), orderable=False)
    cleared = NumColumn(verbose_name=_("Cleared"), orderable=False)

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("No false-user cases yet.")

    def render_month(self, value: Any) -> str:
        return formatting.month(value)

    def value_month(self, value: Any) -> str:
        return str(value)


# --------------------------------------------------------------------------- on-site verifications


class OnSiteTable(tables.Table):
    date = IsoDateColumn(
        verbose_name=_("Date"), linkify=("audits:onsite-detail", {"pk": tables.A("pk")})
    )
    county = tables.Column(
        accessor="county__code", verbose_name=_("County"), order_by="county__sort_order"
    )
    scope = tables.Column(verbose_name=_("Scope"), orderable=False)
    participants = tables.Column(verbose_name=_("Participants"), orderable=False)
    result = tables.Column(verbose_name=_("Result"), orderable=False, default="—")
    follow_up_count = NumColumn(verbose_name=_("Follow-ups"))
    open_follow_ups = NumColumn(verbose_name=_("Open"))
    past_due_follow_ups = NumColumn(verbose_name=_("Past due"))

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("No on-site verifications match.")


class FollowUpTable(tables.Table):
    due_on = IsoDateColumn(verbose_name=_("Due on"))
    county = tables.Column(
        accessor="verification__county__code",
        verbose_name=_("County"),
        order_by="verification__county__sort_order",
    )
    verification = tables.Column(
        accessor="verification__date",
        verbose_name=_("Verification"),
        linkify=("audits:onsite-detail", {"pk": tables.A("verification_id")}),
    )
    description = tables.Column(verbose_name=_("Description"), orderable=False)
    owner = PersonColumn(accessor="owner", verbose_name=_("Owner"))
    done = tables.BooleanColumn(verbose_name=_("Done"))
    done_at = DateColumn(verbose_name=_("Done at"), format="Y-m-d H:i", default="—")

    class Meta:
        attrs = TABLE_ATTRS
        empty_text = _("No follow-ups match.")

    def render_verification(self, value: Any) -> str:
        return formatting.date(value)

    def value_verification(self, value: Any) -> Any:
        return value


class NoticeTable(tables.Table):
    """The archive of weekly notices: who was criticised (with the reasons, in the export) and
    commended."""

    week = tables.Column(
        linkify=("audits:notice", {"week": tables.A("week")}),
        verbose_name=_("Week"),
        order_by="week_start",
    )
    week_start = IsoDateColumn(verbose_name=_("From"))
    week_end = IsoDateColumn(verbose_name=_("To"))
    status = tables.Column(
        accessor="get_status_display", order_by="status", verbose_name=_("Status")
    )
    criticised = tables.Column(
        accessor="criticism", verbose_name=_("Criticised"), orderable=False, empty_values=()
    )
    commended = tables.Column(
        accessor="commendation", verbose_name=_("Commended"), orderable=False, empty_values=()
    )
    published_at = DateColumn(verbose_name=_("Published"), format=formatting.DATETIME_FORMAT)
    published_by = PersonColumn(accessor="published_by", verbose_name=_("By"))

    class Meta:
        attrs = TABLE_ATTRS
        order_by = ("-week",)
        empty_text = _(
            "No notice here yet. The notice of a week is drafted on Monday morning from the "
            "audits, findings and verification items; published notices appear once city staff "
            "publish them."
        )

    def render_week(self, value: str) -> str:
        return formatting.period(value)

    def value_week(self, value: str) -> str:
        return value

    def render_criticised(self, value: list[dict[str, Any]]) -> str:
        return ", ".join(row["name"] for row in value) or "—"

    def value_criticised(self, value: list[dict[str, Any]]) -> str:
        return "; ".join(
            f"{row['name']}: {', '.join(reason_text(r) for r in row['reasons'])}" for row in value
        )

    def render_commended(self, value: list[dict[str, Any]]) -> str:
        return ", ".join(row["name"] for row in value) or "—"

    def value_commended(self, value: list[dict[str, Any]]) -> str:
        return ", ".join(row["name"] for row in value)
