"""Tables of the materials pages (sortable, paginated, exported to xlsx as shown)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketing_ops.tables import DateColumn, MoneyColumn, NumColumn, PersonColumn, RateColumn
from materials.models import (
    Deposit,
    Item,
    RandomCheckLine,
    StockBalance,
    StockCount,
    StockMove,
    Terminal,
)

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

#: A loop row's status (``LoopRow.status``) as pages name it.
LOOP_STATUS_NAMES = {
    "balanced": pgettext_lazy("loop", "Balanced"),
    "open": pgettext_lazy("loop", "Not explained"),
    "explained": pgettext_lazy("loop", "Explained"),
    "accepted": pgettext_lazy("loop", "Accepted"),
}


class BalanceTable(tables.Table):
    warehouse = tables.Column(
        accessor="warehouse__code",
        verbose_name=_("Warehouse"),
        linkify=lambda record: reverse("materials:warehouse", args=[record.warehouse.code]),
    )
    sku = tables.Column(accessor="item__sku", verbose_name=_("SKU"))
    name = tables.Column(accessor="item__name", verbose_name=_("Item"))
    category = tables.Column(accessor="item__category", verbose_name=_("Category"))
    quantity = NumColumn(verbose_name=_("Quantity"))
    unit = tables.Column(accessor="item__unit", verbose_name=_("Unit"), orderable=False)
    moves = tables.Column(
        empty_values=(), orderable=False, verbose_name=_("Moves"), exclude_from_export=True
    )

    class Meta:
        model = StockBalance
        fields = ("warehouse", "sku", "name", "category", "quantity", "unit")
        attrs = TABLE_ATTRS
        empty_text = _("No stock here yet. Record a receipt to bring stock in.")

    def render_category(self, record: StockBalance) -> str:
        return str(record.item.get_category_display())

    def render_moves(self, record: StockBalance) -> str:
        url = reverse("materials:moves")
        return format_html(
            '<a href="{}?warehouse={}&amp;sku={}">{}</a>',
            url,
            record.warehouse.code,
            record.item.sku,
            _("Moves"),
        )


class ItemTotalTable(tables.Table):
    """Stock per item over the warehouses the reader sees."""

    sku = tables.Column(verbose_name=_("SKU"))
    name = tables.Column(verbose_name=_("Item"))
    total = NumColumn(verbose_name=_("Total"))
    warehouses = NumColumn(verbose_name=_("Warehouses holding it"))

    class Meta:
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("No stock yet.")


class MoveTable(tables.Table):
    business_date = DateColumn(verbose_name=_("Business date"))
    kind = tables.Column(verbose_name=_("Kind"))
    sku = tables.Column(accessor="item__sku", verbose_name=_("SKU"))
    quantity = NumColumn(verbose_name=_("Quantity"))
    from_warehouse = tables.Column(
        accessor="from_warehouse__code", verbose_name=pgettext_lazy("warehouse", "From")
    )
    to_warehouse = tables.Column(
        accessor="to_warehouse__code", verbose_name=pgettext_lazy("warehouse", "To")
    )
    serial = tables.Column(
        verbose_name=_("Serial"),
        linkify=lambda record: reverse("materials:terminal", args=[record.serial]),
    )
    replacement_serial = tables.Column(verbose_name=_("Replacement"))
    account_no = tables.Column(verbose_name=_("Account no."))
    business_line = tables.Column(accessor="business_line__name", verbose_name=_("Line"))
    deposit = MoneyColumn(verbose_name=_("Deposit"))
    by = PersonColumn(accessor="created_by", verbose_name=_("By"))
    note = tables.Column(verbose_name=_("Note"), orderable=False)
    status = tables.Column(empty_values=(), orderable=False, verbose_name=_("Reversal"))

    class Meta:
        model = StockMove
        fields = ("business_date", "kind", "sku", "quantity")
        sequence = (
            "business_date",
            "kind",
            "sku",
            "quantity",
            "from_warehouse",
            "to_warehouse",
            "serial",
            "replacement_serial",
            "account_no",
            "business_line",
            "deposit",
            "by",
            "note",
            "status",
        )
        attrs = TABLE_ATTRS
        order_by: tuple[str, ...] = ("-business_date",)
        empty_text = _("No move matches. Clear the filters, or record a move.")

    def __init__(self, *args: Any, may_reverse: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.may_reverse = may_reverse

    def render_kind(self, record: StockMove) -> str:
        return str(record.get_kind_display())

    def value_kind(self, record: StockMove) -> str:
        return record.kind

    def render_status(self, record: StockMove) -> str:
        reversal = getattr(record, "reversed_by", None)
        if record.reverses_id:
            return format_html("{} #{}", _("reverses"), record.reverses_id)
        if reversal is not None:
            return format_html("{} #{}", _("reversed by"), reversal.pk)
        if self.may_reverse:
            return format_html(
                '<a href="{}">{}</a>',
                reverse("materials:move-reverse", args=[record.pk]),
                _("Reverse"),
            )
        return ""

    def value_status(self, record: StockMove) -> str:
        reversal = getattr(record, "reversed_by", None)
        if record.reverses_id:
            return str(_("reverses #%(id)s") % {"id": record.reverses_id})
        if reversal is None:
            return ""
        return str(_("reversed by #%(id)s") % {"id": reversal.pk})


class HistoryTable(MoveTable):
    """A terminal's moves, oldest first, with when they were recorded."""

    created_at = DateColumn(verbose_name=_("Recorded at"), format="Y-m-d H:i")

    class Meta(MoveTable.Meta):
        orderable = False
        order_by = ()
        sequence = (
            "business_date",
            "kind",
            "sku",
            "from_warehouse",
            "to_warehouse",
            "serial",
            "replacement_serial",
            "account_no",
            "business_line",
            "deposit",
            "by",
            "created_at",
            "note",
            "status",
        )
        exclude = ("quantity",)
        empty_text = _("No move of this terminal.")


class TerminalTable(tables.Table):
    serial = tables.Column(
        verbose_name=_("Serial"),
        linkify=lambda record: reverse("materials:terminal", args=[record.serial]),
    )
    sku = tables.Column(accessor="item__sku", verbose_name=_("SKU"))
    state = tables.Column(verbose_name=_("State"))
    warehouse = tables.Column(accessor="warehouse__code", verbose_name=_("Warehouse"))
    county = tables.Column(accessor="county__code", verbose_name=_("County"))
    account_no = tables.Column(verbose_name=_("Account no."))
    updated_at = DateColumn(verbose_name=_("Last move recorded"), format="Y-m-d H:i")

    class Meta:
        model = Terminal
        fields = ("serial", "sku", "state", "warehouse", "county", "account_no", "updated_at")
        attrs = TABLE_ATTRS
        empty_text = _("No terminal matches. Clear the filters.")

    def render_state(self, record: Terminal) -> str:
        return str(record.get_state_display())

    def value_state(self, record: Terminal) -> str:
        return record.state


class ItemTable(tables.Table):
    """The catalogue's items; for city staff, who edit them, each SKU opens its form."""

    sku = tables.Column(verbose_name=_("SKU"))
    name = tables.Column(verbose_name=_("Name"))
    category = tables.Column(verbose_name=_("Category"))
    serialized = tables.BooleanColumn(verbose_name=_("Serials"))
    unit = tables.Column(verbose_name=_("Unit"))
    business_line = tables.Column(accessor="business_line__name", verbose_name=_("Line"))
    active = tables.BooleanColumn(verbose_name=_("Active"))

    class Meta:
        model = Item
        fields = ("sku", "name", "category", "serialized", "unit", "business_line", "active")
        attrs = TABLE_ATTRS
        empty_text = _("No item yet. City staff add the catalogue's items.")

    def __init__(self, *args: Any, editable: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editable = editable

    def render_sku(self, record: Item, value: str) -> str:
        if not self.editable:
            return value
        return format_html(
            '<a href="{}">{}</a>', reverse("materials:item-edit", args=[record.pk]), value
        )

    def value_sku(self, value: str) -> str:
        return value

    def render_category(self, record: Item) -> str:
        return str(record.get_category_display())

    def value_category(self, record: Item) -> str:
        return record.category


# --------------------------------------------------------------------------- closed loop


class LoopGapTable(tables.Table):
    """A month's loop differences (LoopRow), with their explanation and status."""

    county = tables.Column(verbose_name=_("County"))
    date = DateColumn(verbose_name=_("Date"))
    line = tables.Column(accessor="line_name", verbose_name=_("Line"))
    installs_reported = NumColumn(verbose_name=_("Installs reported"))
    terminals_issued = NumColumn(verbose_name=_("Terminals issued"))
    install_gap = NumColumn(verbose_name=_("Install gap"))
    dismantles_reported = NumColumn(verbose_name=_("Dismantles reported"))
    terminals_returned = NumColumn(verbose_name=_("Terminals returned"))
    return_gap = NumColumn(verbose_name=_("Return gap"))
    explanation = tables.Column(verbose_name=_("Explanation"), default="")
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("No loop differences: every day balances.")

    def render_status(self, value: str) -> str:
        return str(LOOP_STATUS_NAMES.get(value, value))

    def value_status(self, value: str) -> str:
        return self.render_status(value)


class LoopSummaryTable(tables.Table):
    """Per county, a month's sums and its differences open, explained and accepted."""

    label = tables.Column(verbose_name=_("County"))
    installs_reported = NumColumn(verbose_name=_("Installs reported"))
    terminals_issued = NumColumn(verbose_name=_("Terminals issued"))
    install_gap = NumColumn(verbose_name=_("Install gap"))
    dismantles_reported = NumColumn(verbose_name=_("Dismantles reported"))
    terminals_returned = NumColumn(verbose_name=_("Terminals returned"))
    return_gap = NumColumn(verbose_name=_("Return gap"))
    open = NumColumn(verbose_name=_("Open"))
    explained = NumColumn(verbose_name=_("Explained"))
    accepted = NumColumn(verbose_name=_("Accepted"))

    class Meta:
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("No county to show.")


class RecyclingTable(tables.Table):
    county = tables.Column(verbose_name=_("County"))
    installs = NumColumn(verbose_name=_("Installs with a terminal"))
    with_recycled = NumColumn(verbose_name=_("With a recycled terminal"))
    recycling_rate = RateColumn(verbose_name=_("Recycling rate"))

    class Meta:
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("No county to show.")


class DepositMissingTable(tables.Table):
    """Installs on a line that requires a deposit, recorded without one: the follow-up list."""

    county = tables.Column(accessor="county__code", verbose_name=_("County"))
    business_date = DateColumn(verbose_name=_("Date"))
    account_no = tables.Column(verbose_name=_("Account no."))
    business_line = tables.Column(accessor="business_line__name", verbose_name=_("Line"))
    serial = tables.Column(accessor="move__serial", verbose_name=_("Serial"))
    amount = MoneyColumn(verbose_name=_("Deposit"), default="")
    note = tables.Column(verbose_name=_("Follow-up"), default="")
    followed_up_at = DateColumn(verbose_name=_("Followed up"))
    follow_up = tables.Column(
        verbose_name="", empty_values=(), orderable=False, exclude_from_export=True
    )

    class Meta:
        model = Deposit
        fields = ("county", "business_date", "account_no", "business_line", "serial")
        attrs = TABLE_ATTRS
        empty_text = _("Every install this month has its deposit.")

    def render_follow_up(self, record: Deposit) -> str:
        return format_html(
            '<a class="btn btn-outline-primary btn-sm" href="{}">{}</a>',
            reverse("materials:deposit-follow-up", args=[record.pk]),
            _("Follow up"),
        )


# --------------------------------------------------------------------------- stock counts


class StockCountTable(tables.Table):
    id = tables.Column(
        verbose_name="#", linkify=lambda record: reverse("materials:count", args=[record.pk])
    )
    warehouse = tables.Column(accessor="warehouse__code", verbose_name=_("Warehouse"))
    status = tables.Column(verbose_name=_("Status"))
    line_count = NumColumn(verbose_name=_("Items"), orderable=False)
    serial_count = NumColumn(verbose_name=_("Serials expected"), orderable=False)
    started_by = PersonColumn(accessor="started_by", verbose_name=_("Started by"))
    started_at = DateColumn(verbose_name=_("Started"))
    approved_at = DateColumn(verbose_name=_("Approved"))

    class Meta:
        model = StockCount
        fields = ("id", "warehouse", "status", "started_by", "started_at", "approved_at")
        sequence = ("id", "warehouse", "status", "line_count", "serial_count", "...")
        attrs = TABLE_ATTRS
        empty_text = _("No stock count yet. Start one to freeze a warehouse's stock and count it.")


class CountQuantityTable(tables.Table):
    sku = tables.Column(verbose_name=_("SKU"))
    expected = NumColumn(verbose_name=_("Expected"))
    counted = NumColumn(verbose_name=_("Counted"), default="—")
    difference = NumColumn(verbose_name=_("Difference"), default="—")

    class Meta:
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("The warehouse held nothing when the count started.")


class CountSerialTable(tables.Table):
    sku = tables.Column(verbose_name=_("SKU"))
    serial = tables.Column(
        verbose_name=_("Serial"),
        linkify=lambda record: reverse("materials:terminal", args=[record.serial]),
    )
    kind = tables.Column(verbose_name=_("Difference"))

    class Meta:
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("Every serial expected was found, and nothing else.")

    def render_kind(self, value: str) -> str:
        return str(pgettext_lazy("serial", "missing") if value == "missing" else _("not expected"))


# --------------------------------------------------------------------------- random checks


class RandomCheckSummaryTable(tables.Table):
    county = tables.Column(
        verbose_name=_("County"),
        linkify=lambda record: (
            reverse("materials:random-check", args=[record.check_id]) if record.check_id else None
        ),
    )
    sampled = NumColumn(verbose_name=_("Sampled"))
    found = NumColumn(verbose_name=_("Found"))
    not_found = NumColumn(verbose_name=_("Not found"))
    wrong_place = NumColumn(verbose_name=_("Wrong place"))
    open = NumColumn(verbose_name=_("Not checked yet"))
    on_site = NumColumn(verbose_name=_("On site"))
    remote = NumColumn(verbose_name=_("Remote"))
    found_rate = RateColumn(verbose_name=_("Found rate"))

    class Meta:
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("No county to show.")


class RandomCheckLineTable(tables.Table):
    serial = tables.Column(
        verbose_name=_("Serial"),
        linkify=lambda record: reverse("materials:terminal", args=[record.serial]),
    )
    sku = tables.Column(accessor="terminal__item__sku", verbose_name=_("SKU"), default="")
    expected_place = tables.Column(verbose_name=_("Where the ledger places it"))
    result = tables.Column(verbose_name=_("Result"))
    mode = tables.Column(verbose_name=_("Checked"))
    note = tables.Column(verbose_name=_("Note"))
    checked_by = PersonColumn(accessor="checked_by", verbose_name=_("By"), default="")
    checked_at = DateColumn(verbose_name=_("At"))

    class Meta:
        model = RandomCheckLine
        fields = ("serial", "expected_place", "result", "mode", "note", "checked_at")
        sequence = ("serial", "sku", "expected_place", "result", "mode", "note", "checked_by")
        attrs = TABLE_ATTRS
        orderable = False
        empty_text = _("The county held no terminal to sample.")
