"""Input for the revenue pages. Business rules live in the services; forms only shape input."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marketing_ops.bounds import SMALL_INTEGER_MAX
from marketing_ops.formatting import MONTH_NAMES
from marketing_ops.forms import BootstrapFormMixin, CountField, MoneyField
from marketing_ops.models import BusinessLine, County
from revenue.models import Decomposition, PhasingProfile

_small = {"class": "form-control form-control-sm text-end"}


def _money_field(label: str | Promise, required: bool = True) -> forms.DecimalField:
    # A text input: a number input would drop "1,234.50", which is a fine amount.
    return MoneyField(
        label=label,
        required=required,
        widget=forms.TextInput(attrs={**_small, "inputmode": "decimal"}),
    )


def _count_field(label: str, required: bool = True) -> forms.IntegerField:
    return CountField(label=label, required=required, widget=forms.NumberInput(attrs=_small))


def _weight_field(**kwargs: Any) -> forms.DecimalField:
    """A weight: a county's potential index or a month's share of the year."""
    return forms.DecimalField(
        min_value=Decimal(0),
        max_digits=20,
        decimal_places=6,
        widget=forms.NumberInput(attrs={**_small, "step": "any"}),
        **kwargs,
    )


class PlanForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs=_small),
        label=_("Year"),
    )
    revenue_target = _money_field(_("Revenue target (yuan)"))

    def __init__(self, *args: Any, lines: Sequence[BusinessLine], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"volume_{line.code}"] = _count_field(
                f"{line.name} ({line.unit})", required=False
            )

    def volume_fields(self) -> list[forms.BoundField]:
        return [self[f"volume_{line.code}"] for line in self.lines]

    def volume_targets(self) -> dict[str, int]:
        return {line.code: self.cleaned_data.get(f"volume_{line.code}") or 0 for line in self.lines}


class DecomposeForm(BootstrapFormMixin, forms.Form):
    """Method, reason, and a county grid: weights (potential) or amounts per figure (manual)."""

    method = forms.ChoiceField(choices=Decomposition.Method.choices, label=_("Method"))
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the plan is already published."),
        label=_("Reason"),
    )

    def __init__(
        self,
        *args: Any,
        counties: Sequence[County],
        figures: Sequence[str],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.counties = list(counties)
        self.figures = list(figures)  # "revenue" then line codes
        for county in self.counties:
            self.fields[f"weight_{county.code}"] = _weight_field(required=False)
            for figure in self.figures:
                field = (
                    _money_field(figure, required=False)
                    if figure == "revenue"
                    else _count_field(figure, required=False)
                )
                self.fields[f"amount_{figure}_{county.code}"] = field

    def grid(self) -> list[tuple[County, forms.BoundField, list[forms.BoundField]]]:
        return [
            (
                county,
                self[f"weight_{county.code}"],
                [self[f"amount_{figure}_{county.code}"] for figure in self.figures],
            )
            for county in self.counties
        ]

    def weights(self) -> dict[str, Decimal] | None:
        if self.cleaned_data["method"] != Decomposition.Method.POTENTIAL:
            return None
        return {
            c.code: self.cleaned_data[f"weight_{c.code}"]
            for c in self.counties
            if self.cleaned_data.get(f"weight_{c.code}") is not None
        }

    def amounts(self) -> dict[str, dict[str, Any]] | None:
        if self.cleaned_data["method"] != Decomposition.Method.MANUAL:
            return None
        return {
            figure: {
                c.code: self.cleaned_data.get(f"amount_{figure}_{c.code}") or 0
                for c in self.counties
            }
            for figure in self.figures
        }


class PhaseForm(BootstrapFormMixin, forms.Form):
    small_widgets = True

    county = forms.ModelChoiceField(
        queryset=County.objects.none(),
        required=False,
        empty_label=_("All counties"),
    )
    profile = forms.ModelChoiceField(
        queryset=PhasingProfile.objects.all(),
        required=False,
        empty_label=_("— the 12 weights below —"),
    )

    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Reason"),
        help_text=_("Required once the plan is published; kept in the plan's history."),
    )

    def __init__(
        self,
        *args: Any,
        counties: Any,
        start: Sequence[Decimal] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        # ``fields`` holds plain ``Field``s for the stubs; this one is the ModelChoiceField above.
        cast(forms.ModelChoiceField, self.fields["county"]).queryset = counties
        for index, name in enumerate(MONTH_NAMES, start=1):
            initial = start[index - 1] if start else 1
            self.fields[f"m{index}"] = _weight_field(label=name, initial=initial, required=False)

    def month_fields(self) -> list[forms.BoundField]:
        return [self[f"m{i}"] for i in range(1, 13)]

    def weights(self) -> list[Decimal]:
        return [self.cleaned_data.get(f"m{i}") or Decimal(0) for i in range(1, 13)]


class PhasingProfileForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=100, label=_("Name"))
    kind = forms.ChoiceField(choices=PhasingProfile.Kind.choices, label=_("Kind"))
    description = forms.CharField(max_length=255, required=False, label=_("Description"))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for index, name in enumerate(MONTH_NAMES, start=1):
            self.fields[f"m{index}"] = _weight_field(label=name)

    def month_fields(self) -> list[forms.BoundField]:
        return [self[f"m{i}"] for i in range(1, 13)]

    def values(self) -> list[Decimal]:
        return [self.cleaned_data[f"m{i}"] for i in range(1, 13)]


class ReportForm(BootstrapFormMixin, forms.Form):
    """The county's figures for a month: revenue and one volume per active line."""

    revenue = _money_field(_("Revenue (yuan)"))
    version = CountField(widget=forms.HiddenInput, label=_("Version"))

    def __init__(self, *args: Any, lines: Sequence[BusinessLine], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"volume_{line.code}"] = _count_field(f"{line.name} ({line.unit})")

    def volume_fields(self) -> list[forms.BoundField]:
        return [self[f"volume_{line.code}"] for line in self.lines]

    def volumes(self) -> dict[str, int]:
        return {line.code: self.cleaned_data[f"volume_{line.code}"] for line in self.lines}


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Reason")
    )
    version = CountField(widget=forms.HiddenInput, required=False, label=_("Version"))


class StandingForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(
        min_value=2000,
        max_value=2100,
        widget=forms.NumberInput(attrs=_small),
        label=_("Year"),
    )
    month = forms.IntegerField(
        min_value=1, max_value=12, widget=forms.NumberInput(attrs=_small), label=_("Month")
    )
    rank = forms.IntegerField(
        min_value=1,
        max_value=SMALL_INTEGER_MAX,
        widget=forms.NumberInput(attrs=_small),
        label=_("Rank"),
    )
    cities = forms.IntegerField(
        min_value=1,
        max_value=SMALL_INTEGER_MAX,
        label=_("Number of cities"),
        widget=forms.NumberInput(attrs=_small),
    )
    completion_rate = forms.DecimalField(
        min_value=Decimal(0),
        max_digits=6,
        decimal_places=4,
        help_text=_("As a fraction, e.g. 0.4987 for 49.87%."),
        widget=forms.NumberInput(attrs={**_small, "step": "0.0001"}),
        label=_("Completion rate"),
    )
    note = forms.CharField(max_length=255, required=False, label=_("Note"))


class FiguresUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        help_text=_("The monthly figures template filled in: CSV (UTF-8) or XLSX."),
        label=_("File"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s bytes; the limit is %(limit)s.")
                % {"size": f"{upload.size:,}", "limit": f"{settings.UPLOAD_MAX_BYTES:,}"}
            )
        return upload


class PeriodForm(forms.Form):
    """Year and month of a dashboard (GET)."""

    year = forms.IntegerField(min_value=2000, max_value=2100, required=False, label=_("Year"))
    month = forms.IntegerField(min_value=1, max_value=12, required=False, label=_("Month"))
