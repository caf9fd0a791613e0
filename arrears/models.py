"""Arrears (docs/rules.md#arrears): accounts, monthly bills, targets, transfers and limits,
snapshots, collection.

Sizes: up to ~1,000,000 accounts and 12 months of bills each, so bills carry their account's
county (denormalised at import) and the indexes below serve the set-based indicator queries.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketing_ops.access import CountyScopedQuerySet
from marketing_ops.models import BusinessLine, County
from marketing_ops.money import MONEY, MoneyFieldSettings

#: An account number is part of its page's address (``/arrears/accounts/<account_no>/``):
#: no "/" and no spaces.
account_number = RegexValidator(
    r"^[^/\s]+\Z", _("An account number has no / and no spaces, e.g. A-001.")
)


class Account(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("account status", "Active")
        SINGLE_STOP = "single_stop", _("Single stop (outgoing barred)")
        DOUBLE_STOP = "double_stop", _("Double stop (both directions barred)")
        DISMANTLED = "dismantled", _("Dismantled")

    account_no = models.CharField(
        verbose_name=_("account number"), max_length=32, unique=True, validators=[account_number]
    )
    county = models.ForeignKey(
        County, verbose_name=_("county"), on_delete=models.PROTECT, related_name="accounts"
    )
    business_line = models.ForeignKey(
        BusinessLine,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name=_("business line"),
    )
    customer_name = models.CharField(verbose_name=_("customer name"), max_length=200)
    opened_on = models.DateField(verbose_name=_("opened on"))
    status = models.CharField(
        verbose_name=_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    status_changed_on = models.DateField(verbose_name=_("status changed on"), null=True, blank=True)
    contract_end = models.DateField(verbose_name=_("contract end"), null=True, blank=True)
    deposit = models.DecimalField(verbose_name=_("deposit"), **MONEY, null=True, blank=True)
    contact_phone = models.CharField(
        verbose_name=_("contact phone"),
        max_length=32,
        blank=True,
        help_text=_("The number collectors call; empty when unknown."),
    )
    address = models.CharField(
        verbose_name=_("address"),
        max_length=300,
        blank=True,
        help_text=_("Where collectors visit; empty when unknown."),
    )

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["account_no"]
        indexes = [
            # Stop/dismantle counts and worklist filters per county and status.
            models.Index(fields=["county", "status"], name="account_county_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(deposit__isnull=True) | Q(deposit__gte=0),
                name="account_deposit_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_no} {self.customer_name}"


class Bill(models.Model):
    """A month's bill of an account; due at the end of the following month
    (docs/rules.md#accounts-and-bills).

    On PostgreSQL the table is partitioned by ``billing_month`` (migration 0004): one partition
    per imported month plus a default partition for rows written one at a time. A large import
    of a month builds that month's partition on the side and swaps it in
    (``arrears.bulk.partitions``), so a million new bills cost one bulk insert and three
    fresh index builds instead of a million updates of 12-million-row indexes. The county
    figures of a month (recovery, ageing) come from ``BillMonthTotal``, kept in step by every
    write, not from summing the bills per request.
    """

    # No separate index on account, county or month: the unique (account, billing_month) index
    # serves lookups by account, the partitions a month, BillMonthTotal the county figures, and
    # every index less makes a month's import cheaper. No database foreign keys either: bills are
    # written only by the import's set-based insert, which takes account_id and county_id from a
    # join to the accounts, and a deferred key check per row doubled the time of a million-row
    # import at commit. Deleting an account still cascades (the ORM).
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="bills",
        db_index=False,
        db_constraint=False,
        verbose_name=_("account"),
    )
    # Copied from the account at import so that per-county aggregates need no join.
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("county"),
    )
    billing_month = models.DateField(
        verbose_name=_("billing month"), help_text=_("First day of the billed month.")
    )
    amount_billed = models.DecimalField(verbose_name=_("amount billed"), **MONEY)
    amount_paid = models.DecimalField(verbose_name=_("amount paid"), **MONEY, default=0)
    paid_on = models.DateField(verbose_name=_("paid on"), null=True, blank=True)

    objects = CountyScopedQuerySet.as_manager()

    #: (billing month, county id) as loaded from the database; set by ``from_db``.
    _counted_in: tuple[dt.date | None, int | None]

    class Meta:
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        ordering = ["account", "billing_month"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "billing_month"], name="bill_one_per_account_month"
            ),
            models.CheckConstraint(
                condition=Q(amount_billed__gte=0) & Q(amount_paid__gte=0),
                name="bill_amounts_not_negative",
            ),
        ]
        indexes = [
            # The collection worklist and the snapshots' overdue accounts: only bills still
            # owing, by county and month, with the account and the amounts so that the sums of
            # what each account owes come from the index alone.
            models.Index(
                fields=["county", "billing_month"],
                include=["account", "amount_billed", "amount_paid"],
                name="bill_owing_account_incl",
                condition=Q(amount_billed__gt=F("amount_paid")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.billing_month:%Y-%m}"

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> "Bill":
        bill = super().from_db(db, field_names, values)
        # Where the stored bill counts in the month × county totals, for a save that moves it.
        bill._counted_in = (bill.__dict__.get("billing_month"), bill.__dict__.get("county_id"))
        return bill


class RenewalQuerySet(CountyScopedQuerySet):
    county_lookup = "account__county"


class Renewal(models.Model):
    """An accounts import moved an account's ``contract_end`` later (docs/rules.md#renewals).

    Kept with the old and the new end so that "contracts ending in M" still counts a contract
    that was renewed before or during its last month (the appraisal's renewal rate). Written
    only by the accounts import, set-based, before its upsert; never changed afterwards.
    """

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="renewals")
    old_contract_end = models.DateField(_("old contract end"))
    new_contract_end = models.DateField(_("new contract end"))
    recorded_at = models.DateTimeField(_("recorded at"))

    objects = RenewalQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_at", "account"]
        verbose_name = _("renewal")
        verbose_name_plural = _("renewals")
        indexes = [
            # The renewal rate: renewals of contracts that ended in a month.
            models.Index(fields=["old_contract_end"], name="renewal_old_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_contract_end__gt=F("old_contract_end")),
                name="renewal_moves_end_later",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.old_contract_end} → {self.new_contract_end}"


#: Sums over up to a million bills: room for 18 integer digits.
TOTAL: MoneyFieldSettings = {"max_digits": 20, "decimal_places": 2}


class BillMonthTotal(models.Model):
    """The sums of one billing month's bills of one county (docs/rules.md#recovery-rate), kept in
    step with the bills by every write (``arrears.services.bill_totals``).

    The recovery and ageing indicators read these few rows (months × counties) instead of
    summing a million bills per request; ``manage.py arrears_totals --check`` compares them with
    the bills.
    """

    billing_month = models.DateField(verbose_name=_("billing month"))
    county = models.ForeignKey(
        County, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    bills = models.PositiveIntegerField(verbose_name=_("number of bills"), default=0)
    #: SUM(amount_billed).
    billed = models.DecimalField(verbose_name=_("billed"), **TOTAL, default=0)
    #: SUM(LEAST(amount_paid, amount_billed)): what was collected of the billed amounts.
    collected = models.DecimalField(verbose_name=_("collected"), **TOTAL, default=0)
    #: SUM(amount_billed - amount_paid) over the bills still owing.
    outstanding = models.DecimalField(verbose_name=_("outstanding"), **TOTAL, default=0)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("bill month total")
        verbose_name_plural = _("bill month totals")
        ordering = ["billing_month", "county"]
        constraints = [
            models.UniqueConstraint(
                fields=["billing_month", "county"], name="bill_total_one_per_month_county"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.billing_month:%Y-%m}"


class RecoveryTarget(models.Model):
    """The current-arrears recovery target of a year (docs/rules.md#recovery-target;
    0.98 unless changed)."""

    year = models.PositiveIntegerField(verbose_name=_("year"), unique=True)
    target = models.DecimalField(
        verbose_name=_("target"),
        max_digits=5,
        decimal_places=4,
        default=settings.ARREARS_RECOVERY_TARGET,
    )

    class Meta:
        verbose_name = _("recovery target")
        verbose_name_plural = _("recovery targets")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__gt=0) & Q(target__lte=1), name="recovery_target_0_to_1"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.target:.2%}"


class TransferLimit(models.Model):
    """Monthly limit on long-term arrears transferred out: the province's for the city
    (``county`` empty) or the city's sub-limit for a county."""

    month = models.DateField(verbose_name=_("month"), help_text=_("First day of the month."))
    county = models.ForeignKey(
        County,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfer_limits",
        verbose_name=_("county"),
    )
    amount = models.DecimalField(verbose_name=_("amount"), **MONEY)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("set by"),
    )
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer limit")
        verbose_name_plural = _("transfer limits")
        ordering = ["-month", "county__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["month"], condition=Q(county__isnull=True), name="transfer_limit_city"
            ),
            models.UniqueConstraint(
                fields=["month", "county"],
                condition=Q(county__isnull=False),
                name="transfer_limit_county",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="transfer_limit_not_negative"),
        ]

    def __str__(self) -> str:
        return f"limit {self.month:%Y-%m} {self.county or 'city'}: {self.amount}"


class Transfer(models.Model):
    """Long-term arrears transferred out (written off to bad debt) by a county in a month."""

    county = models.ForeignKey(
        County, verbose_name=_("county"), on_delete=models.PROTECT, related_name="transfers"
    )
    month = models.DateField(verbose_name=_("month"), help_text=_("First day of the month."))
    amount = models.DecimalField(verbose_name=_("amount"), **MONEY)
    accounts = models.PositiveIntegerField(
        verbose_name=_("number of accounts"), help_text=_("Number of accounts transferred.")
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved by"),
    )
    note = models.TextField(verbose_name=_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(verbose_name=_("recorded at"), auto_now_add=True)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("transfer to bad debt")
        verbose_name_plural = _("transfers to bad debt")
        ordering = ["-month", "county__sort_order"]
        indexes = [
            # Transfers summary of a year per month and county.
            models.Index(fields=["month", "county"], name="transfer_month_county"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.county.code} {self.month:%Y-%m} {self.amount}"


class ArrearsSnapshot(models.Model):
    """County figures as of a date, taken after every import, so trends ("change since last
    week") need no history of the million rows (docs/rules.md#snapshots)."""

    county = models.ForeignKey(
        County, verbose_name=_("county"), on_delete=models.CASCADE, related_name="arrears_snapshots"
    )
    as_of = models.DateField(verbose_name=_("as of"))
    recovery_month = models.DateField(
        verbose_name=_("recovery month"), help_text=_("Billing month the recovery figures are for.")
    )
    billed = models.DecimalField(verbose_name=_("billed"), **MONEY, default=0)
    collected = models.DecimalField(verbose_name=_("collected"), **MONEY, default=0)
    recovery_rate = models.DecimalField(
        verbose_name=_("recovery rate"), max_digits=5, decimal_places=4, null=True, blank=True
    )
    outstanding = models.DecimalField(verbose_name=_("outstanding"), **MONEY, default=0)
    long_term = models.DecimalField(verbose_name=_("long-term arrears"), **MONEY, default=0)
    not_due = models.DecimalField(verbose_name=_("not due"), **MONEY, default=0)
    days_1_30 = models.DecimalField(verbose_name=_("1–30 days"), **MONEY, default=0)
    days_31_90 = models.DecimalField(verbose_name=_("31–90 days"), **MONEY, default=0)
    days_91_180 = models.DecimalField(verbose_name=_("91–180 days"), **MONEY, default=0)
    days_181_365 = models.DecimalField(verbose_name=_("181–365 days"), **MONEY, default=0)
    days_over_365 = models.DecimalField(verbose_name=_("> 365 days"), **MONEY, default=0)
    overdue_accounts = models.PositiveIntegerField(verbose_name=_("overdue accounts"), default=0)
    taken_at = models.DateTimeField(verbose_name=_("taken at"), auto_now=True)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("arrears snapshot")
        verbose_name_plural = _("arrears snapshots")
        ordering = ["-as_of", "county__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["county", "as_of"], name="snapshot_county_as_of"),
        ]

    def __str__(self) -> str:
        return f"{self.county.code} {self.as_of}"


class CollectionActionQuerySet(CountyScopedQuerySet):
    county_lookup = "account__county"


class CollectionAction(models.Model):
    """Work on an overdue account (docs/rules.md#collection): calls, visits, stops, promises to
    pay."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        SMS = "sms", _("SMS")
        VISIT = "visit", _("Visit")
        SINGLE_STOP = "single_stop", _("Single stop")
        DOUBLE_STOP = "double_stop", _("Double stop")
        RESTORE = "restore", _("Restore service")
        PROMISE = "promise", _("Promise to pay")

    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.CASCADE, related_name="actions"
    )
    kind = models.CharField(verbose_name=_("action"), max_length=12, choices=Kind.choices)
    happened_on = models.DateField(verbose_name=_("date"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    result = models.TextField(verbose_name=_("result"), blank=True)
    promise_date = models.DateField(verbose_name=_("promised date"), null=True, blank=True)
    promise_amount = models.DecimalField(
        verbose_name=_("promised amount"), **MONEY, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(verbose_name=_("recorded at"), auto_now_add=True)

    objects = CollectionActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("collection action")
        verbose_name_plural = _("collection actions")
        ordering = ["-happened_on", "-id"]
        indexes = [
            # "Promises whose date passed" list.
            models.Index(
                fields=["promise_date"],
                name="action_promise_date",
                condition=Q(kind="promise"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="promise")
                | (Q(promise_date__isnull=False) & Q(promise_amount__gt=0)),
                name="action_promise_has_date_and_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.account_id} ({self.happened_on})"
