"""Forms of the appraisal pages. The rules live in the services; these only read input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from appraisal.models import Direction, Indicator, SchemeItem
from marketing_ops.access import AnyUser, visible_counties
from marketing_ops.forms import BootstrapFormMixin
from marketing_ops.periods import Month


class MonthField(forms.CharField):
    """A month written ``YYYY-MM``."""

    def to_python(self, value: Any) -> Month | None:  # type: ignore[override]  # a Month, not str
        text = super().to_python(value)
        if not text:
            return None
        try:
            return Month.parse(text)
        except ValueError as error:
            raise forms.ValidationError(str(error))


class IndicatorForm(BootstrapFormMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("e.g. SERVICE_VISITS"))
    name = forms.CharField(label=_("Name"), max_length=120)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)


class ManualValueForm(BootstrapFormMixin, forms.Form):
    month = MonthField(label=_("Month"), help_text=_("YYYY-MM"))
    county = forms.ChoiceField(label=_("County"))
    indicator = forms.ChoiceField(label=_("Indicator"))
    value = forms.DecimalField(label=_("Value"), max_digits=20, decimal_places=6)

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county_field: Any = self.fields["county"]
        county_field.choices = [(c.code, f"{c.code} {c.name}") for c in visible_counties(user)]
        indicator_field: Any = self.fields["indicator"]
        indicator_field.choices = [
            (i.code, f"{i.code} {i.name}") for i in Indicator.objects.filter(built_in=False)
        ]


class AdjustmentForm(BootstrapFormMixin, forms.Form):
    amount = forms.DecimalField(
        label=pgettext_lazy("appraisal adjustment", "Amount"),
        max_digits=9,
        decimal_places=2,
        help_text=_("Points added (negative to take off)."),
    )
    indicator = forms.ChoiceField(
        label=pgettext_lazy("appraisal adjustment", "To"),
        required=False,
        help_text=_("The total, or one score."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        indicator_field: Any = self.fields["indicator"]
        indicator_field.choices = [("", _("The total")), *[(code, code) for code in codes]]


class SchemeForm(BootstrapFormMixin, forms.Form):
    """One row per indicator: a weight (empty: not in the scheme), target, floor and cap."""

    FIGURES = ("weight", "target", "floor", "cap")
    FIGURE_LABELS = {
        "weight": _("weight"),
        "target": _("target"),
        "floor": _("floor"),
        "cap": _("cap"),
    }

    def __init__(
        self, *args: Any, indicators: list[Indicator], items: list[SchemeItem], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = indicators
        current = {item.indicator_id: item for item in items}
        for indicator in indicators:
            item = current.get(indicator.pk)
            for figure in self.FIGURES:
                places = 2 if figure in ("weight", "cap") else 6
                field = forms.DecimalField(
                    label=f"{indicator.code} {self.FIGURE_LABELS[figure]}",
                    required=False,
                    max_digits=9 if places == 2 else 20,
                    decimal_places=places,
                    initial=getattr(item, figure)
                    if item
                    else (Decimal(1) if figure == "cap" else None),
                )
                attrs = {"class": "form-control form-control-sm", "step": "any"}
                if figure == "weight":
                    attrs["data-weight"] = indicator.code
                field.widget.attrs.update(attrs)
                self.fields[f"{indicator.code}__{figure}"] = field

    def rows(self) -> list[tuple[Indicator, list[forms.BoundField]]]:
        return [
            (indicator, [self[f"{indicator.code}__{figure}"] for figure in self.FIGURES])
            for indicator in self.indicators
        ]

    def lines(self) -> list[dict[str, Any]]:
        """The rows with a weight, as ``scheme_lines`` reads them; a weight without a target or
        a floor is named."""
        lines = []
        for indicator in self.indicators:
            data = {f: self.cleaned_data.get(f"{indicator.code}__{f}") for f in self.FIGURES}
            if data["weight"] is None:
                continue
            for figure in ("target", "floor"):
                if data[figure] is None:
                    self.add_error(
                        f"{indicator.code}__{figure}",
                        _("%(code)s needs a %(figure)s.")
                        % {"code": indicator.code, "figure": self.FIGURE_LABELS[figure]},
                    )
            lines.append({"code": indicator.code, **data})
        return lines
