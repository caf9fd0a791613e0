"""What the file columns of docs/file-formats.md are called in the user's language.

A file's header row holds the codes (``county_code``), the same in every language; an upload
template shows these names under them, as a second row that the importer skips
(docs/file-formats.md#templates). A column may name its own label (``Column(label=...)``);
else it is looked up here by its code, and a code not listed reads as itself.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

COLUMN_LABELS: dict[str, str | Promise] = {
    "account_no": _("Account number"),
    "address": _("Address"),
    "amount": _("Amount (yuan)"),
    "amount_billed": _("Amount billed (yuan)"),
    "amount_paid": _("Amount paid (yuan)"),
    "billing_month": _("Billing month (YYYY-MM)"),
    "business_date": _("Business date (YYYY-MM-DD)"),
    "business_line": _("Business line code"),
    "code": _("Code"),
    "contact_phone": _("Contact phone"),
    "contract_end": _("Contract end (YYYY-MM-DD)"),
    "counted_quantity": _("Counted quantity"),
    "county_code": _("County code"),
    "customer_name": _("Customer name"),
    "deposit": _("Deposit (yuan)"),
    "deposit_required": _("Deposit required (Y/N)"),
    "dismantles": _("Dismantles"),
    "explanation": _("Explanation"),
    "indicator": _("Indicator"),
    "installs": _("Installs"),
    "kind": _("Kind"),
    "month": _("Month"),
    "name": _("Name"),
    "note": _("Note"),
    "opened_on": _("Opened on (YYYY-MM-DD)"),
    "operator": _("Operator"),
    "order_no": _("Order number"),
    "paid_on": _("Paid on (YYYY-MM-DD)"),
    "quantity": _("Quantity"),
    "reason": _("Reason"),
    "receivable": _("Receivable (yuan)"),
    "received": _("Received (yuan)"),
    "refund_type": _("Refund type"),
    "revenue": _("Revenue (yuan)"),
    "serial": _("Serial number"),
    "sku": _("Item code (SKU)"),
    "sort_order": _("Sort order"),
    "status": _("Status"),
    "status_changed_on": _("Status changed on (YYYY-MM-DD)"),
    "terminal_returned": _("Terminal returned (Y/N)"),
    "terminal_serial": _("Terminal serial number"),
    "unit": _("Unit"),
    "value": _("Value"),
    "warehouse": _("Warehouse"),
    "year": _("Year"),
}


def column_label(name: str) -> str | Promise:
    """The label of the file column ``name`` (its code when none is known)."""
    return COLUMN_LABELS.get(name, name)
