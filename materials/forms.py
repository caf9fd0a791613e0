"""Forms of the materials pages. The rules live in the move service; these only collect input.

``MoveForm`` adapts to the kind of move: it keeps the fields that kind takes
(docs/materials.md#the-ledger) and
offers the warehouses the user may move stock out of or into."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

from marketing_ops.access import AnyUser, visible_counties
from marketing_ops.forms import BootstrapFormMixin, BusinessDateField, MoneyField
from marketing_ops.models import BusinessLine, County
from marketing_ops.periods import Month
from materials.models import Condition, Item, MoveKind, RandomCheckLine, Warehouse
from materials.selectors.moves import warehouses_for

#: The fields each kind of move takes, beyond item, quantity, business date and note.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    MoveKind.RECEIPT: ("to_warehouse", "serial"),
    MoveKind.TRANSFER: ("from_warehouse", "to_warehouse", "serial"),
    MoveKind.ISSUE_INSTALL: ("from_warehouse", "serial", "account_no", "business_line", "deposit"),
    MoveKind.RETURN_DISMANTLE: (
        "to_warehouse",
        "serial",
        "account_no",
        "business_line",
        "condition",
    ),
    MoveKind.WARRANTY_REPLACEMENT: (
        "from_warehouse",
        "serial",
        "replacement_serial",
        "account_no",
        "business_line",
    ),
    MoveKind.SCRAP: ("from_warehouse", "serial"),
    MoveKind.ADJUSTMENT: ("to_warehouse", "serial"),
}
#: Kinds whose ``to_warehouse`` may be any warehouse (a transfer's destination); for the others
#: it is one the user sees.
ANY_DESTINATION = {MoveKind.TRANSFER}
#: The kinds on the form's tabs, in the order of a terminal's life.
FORM_KINDS = [k for k in MoveKind if k != MoveKind.REVERSAL]


class MoveForm(BootstrapFormMixin, forms.Form):
    item = forms.ModelChoiceField(label=_("Item"), queryset=Item.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), initial=1)
    from_warehouse = forms.ModelChoiceField(
        label=_("From warehouse"), queryset=Warehouse.objects.none(), to_field_name="code"
    )
    to_warehouse = forms.ModelChoiceField(
        label=_("To warehouse"), queryset=Warehouse.objects.none(), to_field_name="code"
    )
    serial = forms.CharField(
        label=_("Serial"),
        required=False,
        max_length=64,
        help_text=_(
            "For items with serials: one terminal per move. For a warranty "
            "replacement, the faulty terminal coming back."
        ),
    )
    replacement_serial = forms.CharField(
        label=_("New terminal's serial"), required=False, max_length=64
    )
    account_no = forms.CharField(label=_("Account no."), max_length=32)
    business_line = forms.ModelChoiceField(
        label=_("Business line"),
        queryset=BusinessLine.objects.filter(active=True),
        to_field_name="code",
    )
    deposit = MoneyField(
        label=_("Deposit charged (yuan)"),
        required=False,
        help_text=_(
            "Leave empty when no deposit was charged: the install is listed for follow-up."
        ),
    )
    condition = forms.ChoiceField(
        label=_("Condition"), choices=Condition.choices, initial=Condition.OK
    )
    business_date = BusinessDateField(
        label=_("Business date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, user: AnyUser, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        keep = {"item", "quantity", "business_date", "note", *KIND_FIELDS[kind]}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        items = Item.objects.filter(active=True).order_by("sku")
        self._field("item").queryset = items
        own = warehouses_for(user).order_by("code")
        if "from_warehouse" in self.fields:
            self._field("from_warehouse").queryset = own
        if "to_warehouse" in self.fields:
            everywhere = Warehouse.objects.order_by("code")
            self._field("to_warehouse").queryset = everywhere if kind in ANY_DESTINATION else own
            if kind == MoveKind.ADJUSTMENT:
                self.fields["to_warehouse"].label = _("Warehouse")
                self.fields["quantity"].help_text = _("Signed: -2 takes two away.")
        if kind != MoveKind.ADJUSTMENT:
            self.fields["quantity"].validators.append(MinValueValidator(1))
            self.fields["quantity"].widget.attrs["min"] = 1

    def _field(self, name: str) -> forms.ModelChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        return field


class ReverseForm(BootstrapFormMixin, forms.Form):
    business_date = BusinessDateField(
        label=_("Business date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Why"), max_length=300)


class ItemForm(BootstrapFormMixin, forms.Form):
    sku = forms.RegexField(label=_("SKU"), regex=r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z", max_length=40)
    name = forms.CharField(label=_("Name"), max_length=100)
    category = forms.ChoiceField(label=_("Category"), choices=Item.Category.choices)
    serialized = forms.BooleanField(label=_("Has serials (one terminal per move)"), required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, initial="个")
    business_line = forms.ModelChoiceField(
        label=_("Business line that installs it"),
        required=False,
        queryset=BusinessLine.objects.all(),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # The SKU and serials stay: the ledger recorded moves with them.
            del self.fields["sku"]
            del self.fields["serialized"]
        else:
            del self.fields["active"]


class LoopKeyForm(BootstrapFormMixin, forms.Form):
    """One county day and line of the loop (the county is in the address)."""

    business_date = BusinessDateField(label=_("Date"), widget=forms.HiddenInput)
    business_line = forms.ModelChoiceField(
        BusinessLine.objects.filter(uses_terminal=True),
        to_field_name="code",
        label=_("Line"),
        widget=forms.HiddenInput,
    )


class LoopExplainForm(LoopKeyForm):
    explanation = forms.CharField(
        label=_("Explanation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What caused the difference, and what is being done about it."),
    )


class DepositFollowUpForm(BootstrapFormMixin, forms.Form):
    amount = MoneyField(
        label=_("Deposit collected"),
        required=False,
        help_text=_("Leave empty when it was not collected, and say why below."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class CountStartForm(BootstrapFormMixin, forms.Form):
    warehouse = forms.ModelChoiceField(Warehouse.objects.none(), label=_("Warehouse"))
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["warehouse"])
        field.queryset = Warehouse.objects.visible_to(user)


class CountEnterForm(BootstrapFormMixin, forms.Form):
    """A counted quantity per item without serials (``q_<item id>``), and serials found of one
    item with serials, one per line."""

    serial_item = forms.ModelChoiceField(
        Item.objects.filter(serialized=True, active=True),
        label=_("Item of the serials"),
        required=False,
    )
    serials = forms.CharField(
        label=_("Serials found"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One serial per line (a scanner's output pastes as it is)."),
    )

    def __init__(self, *args: Any, items: list[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"q_{item.pk}"] = forms.IntegerField(
                label=f"{item.sku} ({item.unit})", min_value=0, required=False
            )
        self.order_fields([f"q_{item.pk}" for item in items])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("serials", "").strip() and not data.get("serial_item"):
            self.add_error("serial_item", _("Choose the item these serials are."))
        return data

    def entries(self) -> dict[str, Any]:
        """The service's keyword arguments: quantities and (item, serial) pairs."""
        data = self.cleaned_data
        item = data.get("serial_item")
        return {
            "quantities": {
                it: data[f"q_{it.pk}"] for it in self.items if data.get(f"q_{it.pk}") is not None
            },
            "serials": [(item, s) for s in data.get("serials", "").split() if item is not None],
        }


class RandomCheckDrawForm(BootstrapFormMixin, forms.Form):
    county = forms.ModelChoiceField(County.objects.none(), to_field_name="code")
    month = forms.CharField(max_length=7)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["county"]).queryset = visible_counties(user)

    def clean_month(self) -> Month:
        try:
            return Month.parse(self.cleaned_data["month"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc))


class RandomCheckRecordForm(BootstrapFormMixin, forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=RandomCheckLine.Result.choices)
    mode = forms.ChoiceField(label=_("Checked"), choices=RandomCheckLine.Mode.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
