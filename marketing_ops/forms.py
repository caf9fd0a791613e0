"""Forms of the core, and what every page form and filter bar of every app shares.

- ``BootstrapFormMixin``: Bootstrap classes on every widget (``form-control``, ``form-select``,
  ``form-check-input``) and ``is-invalid`` on the fields with errors. Put it first in a form's
  bases; set ``small_widgets = True`` for the compact inputs of a filter or period bar.
- ``widget_css(widget, small=...)``: the class a widget gets, for code that styles a form it
  does not define (the filter sets of ``marketing_ops.filters``).
- ``add_service_errors(form, error)``: a service's ``ValidationError`` shown on the fields it
  names, anything else above the form. Services hold the rules (docs/rules.md); forms only
  show what they refuse.
- ``MoneyField``, ``CountField``, ``BusinessDateField``: amounts as ``money.parse_amount``
  reads them, whole numbers the database holds, dates in the business window.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketing_ops import formatting, tabular
from marketing_ops.bounds import INTEGER_MAX
from marketing_ops.briefings import period_for
from marketing_ops.models import Briefing, County
from marketing_ops.money import MONEY, parse_amount
from marketing_ops.periods import business_window

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

#: Widgets drawn as Bootstrap check boxes or radio buttons.
CHECK_WIDGETS = (forms.CheckboxInput, forms.RadioSelect)


def widget_css(widget: forms.Widget, *, small: bool = False) -> str:
    """The Bootstrap class of ``widget``: a check box, a select or any other input."""
    if isinstance(widget, CHECK_WIDGETS):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select form-select-sm" if small else "form-select"
    return "form-control form-control-sm" if small else "form-control"


class BootstrapFormMixin:
    """Bootstrap classes on every widget, and ``is-invalid`` on the fields with errors.

    A class a widget declares itself (``attrs={"class": ...}``) is kept instead of the
    default. Fields are styled when the form is made and again after it is validated.
    """

    #: The compact inputs (``form-control-sm``) of filter and period bars.
    small_widgets = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields()

    def style_fields(self) -> None:
        form: Any = self
        declared = form.__dict__.setdefault("_declared_css", {})
        errors = form._errors or {}
        for name, field in form.fields.items():
            widget = field.widget
            if name not in declared:
                declared[name] = widget.attrs.get("class")
            css = declared[name] or widget_css(widget, small=self.small_widgets)
            # A group of check boxes marks no single box invalid; its message says it.
            if name in errors and not isinstance(widget, forms.RadioSelect):
                css += " is-invalid"
            widget.attrs["class"] = css

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]  # a mixin of a Form
        self.style_fields()


class MoneyField(forms.DecimalField):
    """An amount of money (``MONEY``), written plain or with thousands separators
    (``1234.50``, ``1,234.50``); ``1E5``, ``inf`` and ``nan`` are refused."""

    def __init__(self, *, allow_negative: bool = False, **kwargs: Any) -> None:
        self.allow_negative = allow_negative
        if not allow_negative:
            kwargs.setdefault("min_value", Decimal(0))
        super().__init__(**{**MONEY, **kwargs})

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs: int
        if isinstance(value, str) and value.strip():
            try:
                return parse_amount(value, allow_negative=self.allow_negative)
            except ValueError as exc:
                raise ValidationError(str(exc), code="invalid")
        return super().to_python(value)


class CountField(forms.IntegerField):
    """A whole number from ``min_value`` (0) up to what an ``integer`` column holds."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", INTEGER_MAX)
        super().__init__(**kwargs)


class BusinessDateField(forms.DateField):
    """A date in the business window (``periods.business_window``)."""

    def __init__(
        self, *, first_year: int | None = None, years_ahead: int | None = None, **kwargs: Any
    ) -> None:
        self.first_year, self.years_ahead = first_year, years_ahead
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> dt.date | None:
        day = super().to_python(value)
        if day is None:
            return None
        window = business_window(first_year=self.first_year, years_ahead=self.years_ahead)
        try:
            return window.check(day)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid")


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the fields it names, the rest on the form.

    A message for a field the form does not have (or a message without a field) is shown
    above the form, so nothing a service refuses is lost.
    """
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
    if isinstance(form, BootstrapFormMixin):
        form.style_fields()


class UploadForm(forms.Form):
    """A file for one dataset (its page draws the inputs itself)."""

    dataset = forms.ChoiceField(label=_("Dataset"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV (UTF-8, header row) or XLSX (first sheet, header in row 1)."),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dataset = cast(forms.ChoiceField, self.fields["dataset"])  # declared above
        dataset.choices = [(d.name, d.label) for d in tabular.datasets_for(user)]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        # Size is checked from the request's metadata before a byte is parsed.
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s bytes; the limit is %(limit)s.")
                % {
                    "size": formatting.count(upload.size),
                    "limit": formatting.count(settings.UPLOAD_MAX_BYTES),
                }
            )
        return upload


class BriefingForm(BootstrapFormMixin, forms.Form):
    """Which briefing to preview or send from the archive page: kind, period (blank: the one
    just ended) and scope (the city or a county); ``force`` sends it again."""

    small_widgets = True
    kind = forms.ChoiceField(label=_("Kind"), choices=Briefing.Kind.choices)
    period = forms.CharField(
        label=_("Period"),
        required=False,
        max_length=10,
        help_text=_("YYYY-MM-DD, YYYY-Www or YYYY-MM; empty: the one just ended."),
    )
    scope = forms.ChoiceField(label=_("Scope"))
    force = forms.BooleanField(label=_("Send again"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        counties = County.objects.filter(active=True).values_list("code", "name")
        # ``fields`` holds plain ``Field``s for the stubs; ``scope`` is the ChoiceField above.
        cast(forms.ChoiceField, self.fields["scope"]).choices = [("city", _("City")), *counties]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind:
            try:
                period = period_for(kind, data.get("period") or None)
            except ValueError as exc:
                self.add_error("period", str(exc))
            else:
                if period.end >= timezone.localdate():
                    self.add_error(
                        "period",
                        _("%(period)s has not ended yet: a briefing covers a period gone by.")
                        % {"period": formatting.period(period.label)},
                    )
                data["briefing_period"] = period
        scope = data.get("scope")
        if scope:
            data["county"] = None if scope == "city" else County.objects.get(code=scope)
        return data
