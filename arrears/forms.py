"""Input of the arrears pages; the rules live in the services, these only parse."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from arrears import calculations as calc
from arrears.models import Account, CollectionAction
from arrears.services.collection import actions_for
from arrears.services.transfers import approvers
from marketing_ops.access import Role
from marketing_ops.formatting import person_choice
from marketing_ops.forms import BootstrapFormMixin, BusinessDateField, CountField, MoneyField
from marketing_ops.models import County
from marketing_ops.periods import Month, business_window

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

User = get_user_model()


class MonthField(forms.CharField):
    """A ``YYYY-MM`` month (the browser's month input sends exactly that) → ``Month``."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"})

    # The field reads text like a CharField but cleans to a Month, not to a str.
    def to_python(self, value: Any) -> Month | None:  # type: ignore[override]
        if isinstance(value, Month):
            return value
        text = super().to_python(value)
        if not text:
            return None
        try:
            return business_window().check_month(Month.parse(text))
        except ValueError as exc:
            raise forms.ValidationError(str(exc))

    def prepare_value(self, value: Any) -> Any:
        return str(value) if isinstance(value, Month) else value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CompactForm(BootstrapFormMixin, forms.Form):
    """The arrears pages' forms sit in narrow cards and bars: compact Bootstrap inputs."""

    small_widgets = True


class DashboardForm(CompactForm):
    """Which billing month the recovery is for and the day ageing is measured on."""

    month = MonthField(label=_("Billing month"), required=False)
    as_of = BusinessDateField(label=_("As of"), required=False, widget=DateInput())

    def __init__(self, *args: Any, today: dt.date, **kwargs: Any) -> None:
        # The inputs always show what the page shows, defaults included.
        # The latest month fallen due leads: its recovery is what the target judges.
        defaults = {"month": calc.latest_due_month(today), "as_of": today}
        kwargs.setdefault("initial", defaults)
        if args and args[0] is not None:
            data = args[0].copy()
            for name, value in defaults.items():
                if not data.get(name):
                    data[name] = str(value)
            args = (data, *args[1:])
        super().__init__(*args, **kwargs)
        self.today = today

    def values(self) -> tuple[Month, dt.date]:
        """The chosen month and date, with defaults (the latest month fallen due, today) for
        blanks."""
        data = self.cleaned_data if self.is_valid() else {}
        month = data.get("month") or self.initial["month"]
        return month, data.get("as_of") or self.initial["as_of"]


class ActionForm(CompactForm):
    kind = forms.ChoiceField(label=_("Action"), choices=CollectionAction.Kind.choices)
    happened_on = BusinessDateField(label=_("Date"), widget=DateInput())
    result = forms.CharField(
        label=_("Result"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the customer said or what was done."),
    )
    promise_date = BusinessDateField(
        label=_("Promised date"), required=False, widget=DateInput(), help_text=_("Promises only.")
    )
    promise_amount = MoneyField(
        label=_("Promised amount"), required=False, help_text=_("Promises only.")
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Who follows up."),
    )

    def __init__(self, *args: Any, account: Account, user: AnyUser, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("happened_on", timezone.localdate())
        kwargs["initial"].setdefault("owner", getattr(user, "pk", None))
        super().__init__(*args, **kwargs)
        # ``fields`` holds plain ``Field``s for the stubs; this one is the ModelChoiceField above.
        owner = cast(forms.ModelChoiceField, self.fields["owner"])
        owner.queryset = owners_for(account)
        # Replacing the label per instance is Django's documented use; the stubs see a method.
        owner.label_from_instance = person_choice  # type: ignore[method-assign,assignment]
        fitting = set(actions_for(account))
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            (value, label) for value, label in CollectionAction.Kind.choices if value in fitting
        ]


def owners_for(account: Account) -> QuerySet:
    """Who may be named to follow ``account`` up: the active staff of its own county (the
    collectors), not the city's staff or admins."""
    return (
        User.objects.filter(
            groups__name=Role.COUNTY_STAFF, profile__county=account.county_id, is_active=True
        )
        .distinct()
        .select_related("profile")
        .order_by("username")
    )


class TransferForm(CompactForm):
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.none())
    month = MonthField(label=_("Month"))
    # Negative amounts reach the service, whose rule says "more than zero".
    amount = MoneyField(label=_("Amount"), allow_negative=True)
    accounts = CountField(label=_("Accounts"), min_value=1)
    approver = forms.ModelChoiceField(label=_("Approved by"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    confirm_over_limit = forms.BooleanField(
        label=_("Record it anyway, over the limit"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["county"]).queryset = County.objects.filter(
            active=True
        )
        approver = cast(forms.ModelChoiceField, self.fields["approver"])
        approver.queryset = approvers()
        approver.label_from_instance = person_choice  # type: ignore[method-assign,assignment]  # as above

    def over_limit(self) -> bool:
        """The service refused the transfer for taking its month over a limit: the page asks
        for the confirmation."""
        return bool(self.errors.get("confirm_over_limit"))


#: The column of the city's own (provincial) limit in the limits grid.
CITY_SCOPE = "city"


class LimitGridForm(CompactForm):
    """The transfer limits of one year as one grid: a row per month, a column for the city's
    provincial limit and one per active county for its sub-limit. An empty cell is no limit."""

    def __init__(
        self,
        *args: Any,
        year: int,
        counties: Sequence[County],
        limits: Mapping[tuple[int | None, dt.date], Decimal],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.year = year
        self.scopes: list[tuple[str, County | None]] = [(CITY_SCOPE, None)] + [
            (str(county.pk), county) for county in counties
        ]
        self.months = [Month(year, number) for number in range(1, 13)]
        for month in self.months:
            for key, county in self.scopes:
                name = self.cell_name(month, key)
                self.fields[name] = MoneyField(
                    label=f"{month} {county.code if county else _('City')}", required=False
                )
                self.initial[name] = limits.get((county.pk if county else None, month.first_day))
        self.style_fields()

    @staticmethod
    def cell_name(month: Month, scope: str) -> str:
        return f"{month}_{scope}"

    def rows(self) -> list[tuple[Month, list[forms.BoundField]]]:
        """The grid as the template draws it: each month with its cells, city first."""
        return [
            (month, [self[self.cell_name(month, key)] for key, _county in self.scopes])
            for month in self.months
        ]

    def cells(self) -> dict[tuple[Month, County | None], Decimal | None]:
        """The cleaned grid for ``limits_set_grid``."""
        return {
            (month, county): self.cleaned_data.get(self.cell_name(month, key))
            for month in self.months
            for key, county in self.scopes
        }
