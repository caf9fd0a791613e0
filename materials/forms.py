"""Forms of the materials pages (BootstrapFormMixin); the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from marketing_ops.forms import BootstrapFormMixin, BusinessDateField
from marketing_ops.models import BusinessLine


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
