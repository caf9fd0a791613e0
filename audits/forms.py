"""Forms of the audit pages. The rules live in the services; these only collect input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from audits.models import AuditCheck, Cadence, Finding, SignOff
from marketing_ops.forms import BootstrapFormMixin, BusinessDateField, CountField, MoneyField
from marketing_ops.models import County
from marketing_ops.money import MONEY


class AnswerForm(BootstrapFormMixin, forms.Form):
    answer = forms.ChoiceField(label=_("Answer"), choices=AuditCheck.Answer.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class SignForm(BootstrapFormMixin, forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=SignOff.Result.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FindingForm(BootstrapFormMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Finding.Category.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    amount = forms.DecimalField(label=_("Amount (yuan)"), required=False, **MONEY)
    severity = forms.ChoiceField(label=_("Severity"), choices=Finding.Severity.choices)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        """``owners``: (user name, label) of the people who may own the finding."""
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [("", _("(nobody yet)")), *owners]


class EvidenceForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("File (at most 20 MB)"))
    effective_date = forms.DateField(
        label=_("Effective date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    document = forms.CharField(
        label=_("Document"),
        required=False,
        max_length=120,
        help_text=_("The name of a document it already has makes this file its next revision."),
    )


class ChecklistForm(BootstrapFormMixin, forms.Form):
    cadence = forms.ChoiceField(choices=Cadence.choices, widget=forms.HiddenInput)
    items = forms.CharField(label=_("Checks, one a line"), widget=forms.Textarea(attrs={"rows": 4}))


class HolidayForm(BootstrapFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Name"), max_length=80)


class ItemResolveForm(BootstrapFormMixin, forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=(("ok", _("OK: nothing wrong")), ("problem", _("Problem: open a finding"))),
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class CashFlowForm(BootstrapFormMixin, forms.Form):
    """A county's month of cash flow; the explanation rule is the service's."""

    receivable = MoneyField(label=_("Receivable (billing system)"))
    received = MoneyField(label=_("Cash received"))
    explanation = forms.CharField(
        label=_("Explanation of the difference"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the cash received differs from the receivable."),
    )
    version = CountField(widget=forms.HiddenInput)


class CashFlowSignForm(BootstrapFormMixin, forms.Form):
    result = forms.ChoiceField(label=_("Result"), choices=SignOff.Result.choices)
    note = forms.CharField(
        label=_("Note (required for failed)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# --------------------------------------------------------------------------- false users


class FalseUserReportForm(BootstrapFormMixin, forms.Form):
    account_no = forms.CharField(label=_("Account no."), max_length=32)
    reason = forms.CharField(
        label=_("Why it looks like a false user"), widget=forms.Textarea(attrs={"rows": 3})
    )


class FalseUserRemoveForm(BootstrapFormMixin, forms.Form):
    removed_on = BusinessDateField(
        label=_("Dismantled on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: today."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# --------------------------------------------------------------------------- on-site verifications


class OnSiteForm(BootstrapFormMixin, forms.Form):
    county = forms.ModelChoiceField(label=_("County"), queryset=County.objects.none())
    date = BusinessDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    scope = forms.CharField(label=_("Scope"), widget=forms.Textarea(attrs={"rows": 3}))
    participants = forms.CharField(
        label=_("Participants"), widget=forms.Textarea(attrs={"rows": 2})
    )
    result = forms.CharField(
        label=_("Result"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Empty while the verification is only planned."),
    )

    def __init__(self, *args: Any, counties: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        county = self.fields["county"]
        assert isinstance(county, forms.ModelChoiceField)
        if counties is None:
            # Editing: the county of a verification stays.
            del self.fields["county"]
        else:
            county.queryset = counties


class FollowUpForm(BootstrapFormMixin, forms.Form):
    description = forms.CharField(
        label=_("What has to be done"), widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ChoiceField(label=_("Owner"))
    due_on = BusinessDateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        """``owners``: (user name, label) of the people who may own the follow-up."""
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = list(owners)


class NoticeRemarksForm(BootstrapFormMixin, forms.Form):
    remarks = forms.CharField(
        label=_("Remarks of the city"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
