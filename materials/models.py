"""Materials and terminals (docs/materials.md): warehouses, items, the append-only
ledger of stock moves and the balances it keeps, terminals and their deposits, the daily
operations the closed loop compares with, stock counts and random checks."""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketing_ops.access import AnyUser, CountyScopedQuerySet, bound_county_id, is_city_wide
from marketing_ops.models import BusinessLine, County
from marketing_ops.money import MONEY

#: The code of the city's central store; every other warehouse has its county's code.
CITY_WAREHOUSE = "CITY"


class WarehouseQuerySet(CountyScopedQuerySet):
    county_lookup = "county"


class Warehouse(models.Model):
    """The city central store (``CITY``, no county) or a county's warehouse (the county's code),
    made with the county (materials/services/warehouses.py)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    county = models.OneToOneField(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="warehouse",
        verbose_name=_("county"),
    )

    objects = WarehouseQuerySet.as_manager()

    class Meta:
        ordering = ["county__sort_order", "code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        constraints = [
            # The city store is the one warehouse without a county.
            models.CheckConstraint(
                condition=(Q(county__isnull=True) & Q(code=CITY_WAREHOUSE))
                | (Q(county__isnull=False) & ~Q(code=CITY_WAREHOUSE)),
                name="warehouse_city_has_no_county",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_city(self) -> bool:
        return self.county_id is None


class Item(models.Model):
    """A kind of material: a terminal model (serialized, one move per terminal), cable, …"""

    class Category(models.TextChoices):
        TERMINAL = "terminal", _("Terminal")
        CABLE = "cable", _("Cable")
        ACCESSORY = "accessory", _("Accessory")
        OTHER = "other", _("Other")

    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    serialized = models.BooleanField(
        _("serialized"), default=False, help_text=_("Each unit has a serial and moves alone.")
    )
    unit = models.CharField(_("unit"), max_length=20, default="个")
    business_line = models.ForeignKey(
        BusinessLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("business line"),
        help_text=_("For terminals: the line that installs them."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["category", "sku"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.CheckConstraint(
                condition=Q(category__in=["terminal", "cable", "accessory", "other"]),
                name="item_category_known",
            ),
        ]

    def __str__(self) -> str:
        return self.sku


class MoveKind(models.TextChoices):
    RECEIPT = "receipt", _("Receipt")
    TRANSFER = "transfer", _("Transfer")
    ISSUE_INSTALL = "issue_install", _("Issue for installation")
    RETURN_DISMANTLE = "return_dismantle", _("Return from dismantling")
    WARRANTY_REPLACEMENT = "warranty_replacement", _("Warranty replacement")
    SCRAP = "scrap", _("Scrap")
    ADJUSTMENT = "adjustment", _("Adjustment")
    REVERSAL = "reversal", _("Reversal")


class Condition(models.TextChoices):
    OK = "ok", _("OK")
    FAULTY = "faulty", _("Faulty")


class TerminalState(models.TextChoices):
    NEW = "new", _("New")
    RECYCLED = "recycled", _("Recycled")
    INSTALLED = "installed", _("Installed")
    FAULTY = "faulty", _("Faulty")
    SCRAPPED = "scrapped", _("Scrapped")


class StockMoveQuerySet(CountyScopedQuerySet):
    """A county user sees the moves into or out of their county's warehouse."""

    def visible_to(self, user: AnyUser) -> Self:
        if is_city_wide(user):
            return self
        county_id = bound_county_id(user)
        if county_id is None or not getattr(user, "is_active", False):
            return self.none()
        warehouses = Warehouse.objects.filter(county_id=county_id).values("pk")
        return self.filter(Q(from_warehouse__in=warehouses) | Q(to_warehouse__in=warehouses))


class StockMove(models.Model):
    """One line of the append-only ledger (docs/materials.md#the-ledger). Never edited or deleted:
    a mistake is
    corrected by a ``reversal`` naming it in ``reverses``.

    Every move's effect on the balances is the same formula: ``quantity`` into
    ``to_warehouse`` and out of ``from_warehouse``. Only an ``adjustment`` (one warehouse, in
    ``to_warehouse``) and a reversal of one carry a negative quantity. A warranty replacement
    takes the faulty terminal (``serial``) back into the county warehouse and the new one
    (``replacement_serial``, the same item) out of it: ``from_warehouse = to_warehouse``, a net
    change of nothing.
    """

    Kind = MoveKind
    Condition = Condition

    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices)
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="moves", verbose_name=_("item")
    )
    quantity = models.IntegerField(_("quantity"))
    from_warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moves_out",
        verbose_name=_("from warehouse"),
    )
    to_warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="moves_in",
        verbose_name=_("to warehouse"),
    )
    serial = models.CharField(_("serial"), max_length=64, blank=True)
    replacement_serial = models.CharField(_("replacement serial"), max_length=64, blank=True)
    account_no = models.CharField(_("account no."), max_length=32, blank=True)
    business_line = models.ForeignKey(
        BusinessLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stock_moves",
        verbose_name=_("business line"),
    )
    business_date = models.DateField(_("business date"))
    #: The deposit charged on an install (docs/materials.md#terminal-states); the Deposit row is
    #: what follow-up reads.
    deposit = models.DecimalField(_("deposit"), **MONEY, null=True, blank=True)
    condition = models.CharField(
        _("condition"), max_length=6, choices=Condition.choices, blank=True
    )
    #: The terminal's state before the move (blank for an unknown serial or an item without
    #: serials): what a reversal restores.
    state_before = models.CharField(
        _("state before"), max_length=10, choices=TerminalState.choices, blank=True
    )
    reverses = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
        verbose_name=_("reverses"),
        help_text=_("The move this reversal undoes; a move is reversed once at most."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    import_job = models.ForeignKey(
        "marketing_ops.ImportJob",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = StockMoveQuerySet.as_manager()

    class Meta:
        ordering = ["-business_date", "-pk"]
        verbose_name = _("stock move")
        verbose_name_plural = _("stock moves")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=MoveKind.values), name="move_kind_known"),
            models.CheckConstraint(condition=~Q(quantity=0), name="move_quantity_not_zero"),
            # Only adjustments (and their reversals) are signed.
            models.CheckConstraint(
                condition=Q(quantity__gt=0) | Q(kind__in=["adjustment", "reversal"]),
                name="move_quantity_positive",
            ),
            models.CheckConstraint(
                condition=Q(condition__in=["", "ok", "faulty"]), name="move_condition_known"
            ),
            models.CheckConstraint(
                condition=Q(deposit__isnull=True) | Q(deposit__gte=0),
                name="move_deposit_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(kind="reversal") & Q(reverses__isnull=False))
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="move_reversal_names_its_move",
            ),
            # The warehouses each kind moves between (docs/materials.md#the-ledger).
            models.CheckConstraint(
                condition=~Q(kind__in=["return_dismantle", "adjustment"])
                | (Q(from_warehouse__isnull=True) & Q(to_warehouse__isnull=False)),
                name="move_into_a_warehouse",
            ),
            # A receipt comes into a warehouse; a faulty terminal back from repair also leaves
            # the warehouse where the ledger held it while faulty (``from_warehouse``), so that
            # it is not counted twice.
            models.CheckConstraint(
                condition=~Q(kind="receipt") | Q(to_warehouse__isnull=False),
                name="move_receipt_into_a_warehouse",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["issue_install", "scrap"])
                | (Q(from_warehouse__isnull=False) & Q(to_warehouse__isnull=True)),
                name="move_out_of_a_warehouse",
            ),
            models.CheckConstraint(
                condition=~Q(kind="transfer")
                | (
                    Q(from_warehouse__isnull=False)
                    & Q(to_warehouse__isnull=False)
                    & ~Q(from_warehouse=models.F("to_warehouse"))
                ),
                name="move_transfer_between_two",
            ),
            models.CheckConstraint(
                condition=~Q(kind="warranty_replacement")
                | Q(from_warehouse=models.F("to_warehouse")),
                name="move_replacement_one_warehouse",
            ),
            models.CheckConstraint(
                condition=Q(from_warehouse__isnull=False) | Q(to_warehouse__isnull=False),
                name="move_touches_a_warehouse",
            ),
        ]
        indexes = [
            # A warehouse's ledger and the closed loop's issues per county warehouse and day:
            # WHERE from_warehouse_id = ? AND kind = ? AND business_date BETWEEN ? AND ?.
            models.Index(
                fields=["from_warehouse", "kind", "business_date"], name="move_from_kind_date"
            ),
            # The same for what comes in (receipts, returns from dismantling):
            # WHERE to_warehouse_id = ? AND kind = ? AND business_date BETWEEN ? AND ?.
            models.Index(
                fields=["to_warehouse", "kind", "business_date"], name="move_to_kind_date"
            ),
            # A terminal's whole history: WHERE serial = ? OR replacement_serial = ?.
            models.Index(fields=["serial"], name="move_serial"),
            models.Index(fields=["replacement_serial"], name="move_replacement_serial"),
            # The ledger page of an item: WHERE item_id = ? ORDER BY business_date DESC.
            models.Index(fields=["item", "business_date"], name="move_item_date"),
            # An account's installs and dismantles: WHERE account_no = ?.
            models.Index(fields=["account_no", "business_date"], name="move_account_date"),
            # The city's closed loop of a month (materials/selectors/loop.py): WHERE kind = ?
            # AND business_date BETWEEN ? AND ?, read from the index alone on PostgreSQL (SQLite
            # has no INCLUDE columns and keeps the keys, as for the bills' indexes).
            models.Index(
                fields=["kind", "business_date"],
                include=["item", "from_warehouse", "to_warehouse", "business_line", "quantity"],
                name="move_kind_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item_id} × {self.quantity}"


class StockBalanceQuerySet(CountyScopedQuerySet):
    county_lookup = "warehouse__county"


class StockBalance(models.Model):
    """Σ of the moves of one warehouse × item, kept in each move's transaction under a row
    lock; the check constraint is the last line against a negative stock."""

    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="balances", verbose_name=_("warehouse")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="balances", verbose_name=_("item")
    )
    quantity = models.IntegerField(_("quantity"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = StockBalanceQuerySet.as_manager()

    class Meta:
        ordering = ["warehouse__county__sort_order", "warehouse__code", "item__sku"]
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        constraints = [
            # Also the index of the move's lock: WHERE warehouse_id = ? AND item_id = ? FOR UPDATE.
            models.UniqueConstraint(fields=["warehouse", "item"], name="balance_one_per_item"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="balance_not_negative"),
        ]
        indexes = [
            # The balances of one SKU across warehouses: WHERE item_id = ?.
            models.Index(fields=["item"], name="balance_item"),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse_id}/{self.item_id}: {self.quantity}"


class Terminal(models.Model):
    """One serialized terminal: its state and place (docs/materials.md#terminal-states), as the
    ledger last left it.

    ``county`` is where it is: its warehouse's county, or for an installed terminal the county
    whose warehouse issued it; empty in the city store."""

    State = TerminalState

    serial = models.CharField(_("serial"), max_length=64, unique=True)
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="terminals", verbose_name=_("item")
    )
    state = models.CharField(_("state"), max_length=10, choices=TerminalState.choices)
    warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="terminals",
        verbose_name=_("warehouse"),
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="terminals",
        verbose_name=_("county"),
    )
    account_no = models.CharField(_("account no."), max_length=32, blank=True)
    business_line = models.ForeignKey(
        BusinessLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="terminals",
        verbose_name=_("business line"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["serial"]
        verbose_name = _("terminal")
        verbose_name_plural = _("terminals")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=TerminalState.values), name="terminal_state_known"
            ),
            # In a warehouse exactly when new, recycled or faulty; at an account when installed.
            models.CheckConstraint(
                condition=(
                    Q(state__in=["new", "recycled", "faulty"])
                    & Q(warehouse__isnull=False)
                    & Q(account_no="")
                )
                | (Q(state="installed") & Q(warehouse__isnull=True) & ~Q(account_no=""))
                | (Q(state="scrapped") & Q(warehouse__isnull=True)),
                name="terminal_state_place",
            ),
        ]
        indexes = [
            # Random checks and county lists: WHERE county_id = ? AND state IN (...).
            models.Index(fields=["county", "state"], name="terminal_county_state"),
            # The terminal installed at an account (dismantles, replacements): WHERE account_no = ?.
            models.Index(fields=["account_no"], name="terminal_account"),
            # A warehouse's terminals: WHERE warehouse_id = ? AND item_id = ?.
            models.Index(fields=["warehouse", "item"], name="terminal_warehouse_item"),
        ]

    def __str__(self) -> str:
        return self.serial


class Deposit(models.Model):
    """The deposit of one install on a line with ``deposit_required``
    (docs/materials.md#terminal-states): the amount
    charged, or none — then the install is listed for follow-up until someone records it."""

    move = models.OneToOneField(
        StockMove,
        on_delete=models.PROTECT,
        related_name="deposit_record",
        verbose_name=_("install"),
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="deposits", verbose_name=_("county")
    )
    account_no = models.CharField(_("account no."), max_length=32)
    business_line = models.ForeignKey(
        BusinessLine, on_delete=models.PROTECT, related_name="deposits"
    )
    business_date = models.DateField(_("business date"))
    amount = models.DecimalField(_("deposit"), **MONEY, null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-business_date", "account_no"]
        verbose_name = _("deposit")
        verbose_name_plural = _("deposits")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="deposit_not_negative",
            ),
        ]
        indexes = [
            # Installs without a deposit per county and month:
            # WHERE county_id = ? AND amount IS NULL AND business_date BETWEEN ? AND ?.
            models.Index(fields=["county", "business_date"], name="deposit_county_date"),
            # An account's deposit (audit rules R2/R3): WHERE account_no = ?.
            models.Index(fields=["account_no"], name="deposit_account"),
        ]

    def __str__(self) -> str:
        return f"{self.account_no} {self.amount if self.amount is not None else '-'}"

    @property
    def missing(self) -> bool:
        return self.amount is None


class RefusedMove(models.Model):
    """A move the service refused, kept where refusals matter in a terminal's history (a
    recycled terminal offered for a warranty swap): what was tried, by whom, and why."""

    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    serial = models.CharField(_("serial"), max_length=64, blank=True)
    replacement_serial = models.CharField(_("replacement serial"), max_length=64, blank=True)
    account_no = models.CharField(_("account no."), max_length=32, blank=True)
    business_date = models.DateField(_("business date"))
    reason = models.CharField(_("reason"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("tried at"), auto_now_add=True)

    objects = StockBalanceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("refused move")
        verbose_name_plural = _("refused moves")
        indexes = [
            # A terminal's history: WHERE serial = ? OR replacement_serial = ?.
            models.Index(fields=["serial"], name="refused_serial"),
            models.Index(fields=["replacement_serial"], name="refused_replacement_serial"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.serial} {self.replacement_serial}"


class DailyOperation(models.Model):
    """The support center's daily operations report: installs and dismantles done per county,
    day and line (dataset ``daily_operations``, upserted on county × date × line)."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="daily_operations", verbose_name=_("county")
    )
    business_date = models.DateField(_("business date"))
    business_line = models.ForeignKey(
        BusinessLine,
        on_delete=models.PROTECT,
        related_name="daily_operations",
        verbose_name=_("business line"),
    )
    installs = models.PositiveIntegerField(_("installs"), default=0)
    dismantles = models.PositiveIntegerField(_("dismantles"), default=0)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-business_date", "county__sort_order", "business_line__sort_order"]
        verbose_name = _("daily operation")
        verbose_name_plural = _("daily operations")
        constraints = [
            # Also the loop's index: WHERE county_id = ? AND business_date BETWEEN ? AND ?.
            models.UniqueConstraint(
                fields=["county", "business_date", "business_line"],
                name="daily_operation_one_per_day_line",
            ),
            models.CheckConstraint(
                condition=Q(installs__gte=0) & Q(dismantles__gte=0),
                name="daily_operation_counts_not_negative",
            ),
        ]
        indexes = [
            # The city's loop for a month: WHERE business_date BETWEEN ? AND ?.
            models.Index(fields=["business_date"], name="daily_operation_date"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.business_date} {self.business_line_id}"


class LoopExplanation(models.Model):
    """A county's explanation of a closed-loop difference on one day and line, and the city's
    acceptance of it (docs/materials.md#the-closed-loop)."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="loop_explanations", verbose_name=_("county")
    )
    business_date = models.DateField(_("business date"))
    business_line = models.ForeignKey(
        BusinessLine,
        on_delete=models.PROTECT,
        related_name="loop_explanations",
        verbose_name=_("business line"),
    )
    explanation = models.TextField(_("explanation"))
    explained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    explained_at = models.DateTimeField(_("explained at"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-business_date", "county__sort_order"]
        verbose_name = _("loop explanation")
        verbose_name_plural = _("loop explanations")
        constraints = [
            # Also the loop's index: WHERE county_id = ? AND business_date BETWEEN ? AND ?.
            models.UniqueConstraint(
                fields=["county", "business_date", "business_line"],
                name="loop_explanation_one_per_day_line",
            ),
            models.CheckConstraint(
                condition=(Q(accepted_by__isnull=True) & Q(accepted_at__isnull=True))
                | (Q(accepted_by__isnull=False) & Q(accepted_at__isnull=False)),
                name="loop_explanation_accepted_by_and_at",
            ),
        ]
        indexes = [
            # The city's open differences of a month: WHERE business_date BETWEEN ? AND ?.
            models.Index(fields=["business_date"], name="loop_explanation_date"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.business_date} {self.business_line_id}"

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None


class StockCountQuerySet(CountyScopedQuerySet):
    county_lookup = "warehouse__county"


class StockCount(models.Model):
    """A stock count of one warehouse (docs/materials.md): expected quantities and serials frozen at
    the start, counts entered or uploaded, differences turned into adjustments on approval."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        APPROVED = "approved", _("Approved")

    warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        related_name="stock_counts",
        verbose_name=_("warehouse"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    note = models.TextField(_("note"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = StockCountQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("stock count")
        verbose_name_plural = _("stock counts")
        constraints = [
            # One open count per warehouse: the stock_counts upload finds it by the warehouse.
            models.UniqueConstraint(
                fields=["warehouse"],
                condition=Q(status="open"),
                name="stock_count_one_open_per_warehouse",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "approved"]), name="stock_count_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status="open")
                | (Q(approved_by__isnull=False) & Q(approved_at__isnull=False)),
                name="stock_count_approved_by_and_at",
            ),
        ]
        indexes = [
            # A warehouse's counts: WHERE warehouse_id = ? ORDER BY started_at DESC.
            models.Index(fields=["warehouse", "started_at"], name="stock_count_warehouse"),
        ]

    def __str__(self) -> str:
        return f"{self.warehouse_id} {self.started_at:%Y-%m-%d}"


class StockCountLineQuerySet(CountyScopedQuerySet):
    county_lookup = "count__warehouse__county"


class StockCountLine(models.Model):
    """An item of a count: the quantity the ledger held at the start and the one counted."""

    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    expected_quantity = models.IntegerField(_("expected quantity"))
    counted_quantity = models.IntegerField(_("counted quantity"), null=True, blank=True)

    objects = StockCountLineQuerySet.as_manager()

    class Meta:
        ordering = ["count", "item__sku"]
        verbose_name = _("stock count line")
        verbose_name_plural = _("stock count lines")
        constraints = [
            models.UniqueConstraint(fields=["count", "item"], name="stock_count_line_one_per_item"),
            models.CheckConstraint(
                condition=Q(expected_quantity__gte=0)
                & (Q(counted_quantity__isnull=True) | Q(counted_quantity__gte=0)),
                name="stock_count_line_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count_id} {self.item_id}"


class StockCountSerial(models.Model):
    """A serial of a count: expected (in the warehouse at the start), found, or both."""

    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="serials")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    serial = models.CharField(_("serial"), max_length=64)
    expected = models.BooleanField(_("expected"), default=False)
    found = models.BooleanField(_("found"), default=False)

    objects = StockCountLineQuerySet.as_manager()

    class Meta:
        ordering = ["count", "serial"]
        verbose_name = _("stock count serial")
        verbose_name_plural = _("stock count serials")
        constraints = [
            models.UniqueConstraint(fields=["count", "serial"], name="stock_count_serial_once"),
        ]

    def __str__(self) -> str:
        return self.serial


class RandomCheck(models.Model):
    """A month's random check of a county (docs/materials.md): the reproducible sample's seed."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="random_checks", verbose_name=_("county")
    )
    month = models.CharField(_("month"), max_length=7, help_text="YYYY-MM")
    seed = models.CharField(_("seed"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "county__sort_order"]
        verbose_name = _("random check")
        verbose_name_plural = _("random checks")
        constraints = [
            # Also the index of the month's checks: WHERE county_id = ? AND month = ?.
            models.UniqueConstraint(fields=["county", "month"], name="random_check_one_per_month"),
        ]
        indexes = [
            # The city's summary of a month: WHERE month = ?.
            models.Index(fields=["month"], name="random_check_month"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.month}"


class RandomCheckLineQuerySet(CountyScopedQuerySet):
    county_lookup = "random_check__county"


class RandomCheckLine(models.Model):
    """One sampled serial and what the checker found."""

    class Result(models.TextChoices):
        FOUND = "found", _("Found")
        NOT_FOUND = "not_found", _("Not found")
        WRONG_PLACE = "wrong_place", _("In the wrong place")

    class Mode(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        REMOTE = "remote", _("Remote")

    random_check = models.ForeignKey(RandomCheck, on_delete=models.CASCADE, related_name="lines")
    serial = models.CharField(_("serial"), max_length=64)
    terminal = models.ForeignKey(
        Terminal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: Where the ledger placed it when sampled: a warehouse code or an account no.
    expected_place = models.CharField(_("expected place"), max_length=64, blank=True)
    result = models.CharField(_("result"), max_length=12, choices=Result.choices, blank=True)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)

    objects = RandomCheckLineQuerySet.as_manager()

    class Meta:
        ordering = ["random_check", "serial"]
        verbose_name = _("random check line")
        verbose_name_plural = _("random check lines")
        constraints = [
            models.UniqueConstraint(
                fields=["random_check", "serial"], name="random_check_serial_once"
            ),
            models.CheckConstraint(
                condition=Q(result__in=["", "found", "not_found", "wrong_place"]),
                name="random_check_result_known",
            ),
            models.CheckConstraint(
                condition=Q(mode__in=["", "on_site", "remote"]), name="random_check_mode_known"
            ),
            models.CheckConstraint(
                condition=Q(result="") | (~Q(mode="") & Q(checked_at__isnull=False)),
                name="random_check_result_with_mode",
            ),
        ]

    def __str__(self) -> str:
        return self.serial
