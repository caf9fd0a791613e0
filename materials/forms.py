"""Forms of the materials pages (BootstrapFormMixin); the rules live in the services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from marketing_ops.access import AnyUser, visible_counties
from marketing_ops.forms import BootstrapFormMixin, BusinessDateField
from marketing_ops.models import BusinessLine, County
from marketing_ops.periods import Month
from materials.models import Item, RandomCheckLine, Warehouse


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
