"""Create/edit forms of the activities. The rules they check are the services' rules."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from marketing_ops.access import visible_counties
from marketing_ops.formatting import person_choice
from marketing_ops.forms import (
    BootstrapFormMixin,
    BusinessDateField,
    CountField,
    MoneyField,
    add_service_errors,
)
from marketing_ops.models import County
from revenue.activities import services
from revenue.models import FieldVisit, FollowUpAction, MarketingCase, TariffPackage, Training

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PromotedInCountiesMixin:
    """The ``counties`` a city record is kept for: ticks over the active counties."""

    def __init__(self, *args: Any, user: AnyUser | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The form this mixes into has ``fields``; its ``counties`` is the field declared there.
        fields = self.fields  # type: ignore[attr-defined]
        counties = cast(forms.ModelMultipleChoiceField, fields["counties"])
        counties.queryset = County.objects.filter(active=True)


def counties_field(label: str | Promise) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=County.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=label,
    )


class TariffPackageForm(PromotedInCountiesMixin, BootstrapFormMixin, forms.ModelForm):
    counties = counties_field(_("Counties promoting it"))

    class Meta:
        model = TariffPackage
        fields = [
            "name",
            "monthly_fee",
            "status",
            "applied_on",
            "approved_on",
            "description",
            "counties",
        ]
        field_classes = {"applied_on": BusinessDateField, "approved_on": BusinessDateField}
        labels = {
            "name": _("Name"),
            "monthly_fee": _("Monthly fee (yuan)"),
            "status": _("Status"),
            "applied_on": _("Applied to province on"),
            "approved_on": _("Approved on"),
            "description": _("Description"),
        }
        widgets = {
            "applied_on": DATE_INPUT,
            "approved_on": DATE_INPUT,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what ModelForm.clean() returns; the stubs allow None
        if not self.errors:
            try:
                services.tariff_package_check(
                    status=data["status"],
                    applied_on=data.get("applied_on"),
                    approved_on=data.get("approved_on"),
                )
            except ValidationError as error:
                add_service_errors(self, error)
        return data


class TrainingForm(PromotedInCountiesMixin, BootstrapFormMixin, forms.ModelForm):
    counties = counties_field(_("Counties"))

    class Meta:
        model = Training
        fields = ["date", "kind", "topic", "counties", "attendees", "attendee_names", "notes"]
        field_classes = {"date": BusinessDateField, "attendees": CountField}
        labels = {
            "date": _("Date"),
            "kind": _("Kind"),
            "topic": _("Topic"),
            "attendees": _("Attendees"),
            "attendee_names": _("Who attended"),
            "notes": _("Notes"),
        }
        widgets = {
            "date": DATE_INPUT,
            "attendee_names": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }


class CountyOfUserMixin:
    """The county field offers the counties the user may write in (county staff: their own)."""

    def limit_counties(self, user: AnyUser) -> None:
        # A mixin of a ModelForm whose county field is a ModelChoiceField.
        field = cast(forms.ModelChoiceField, self.fields["county"])  # type: ignore[attr-defined]
        field.queryset = visible_counties(user)
        field.empty_label = None if field.queryset.count() == 1 else field.empty_label


class MarketingCaseForm(CountyOfUserMixin, BootstrapFormMixin, forms.ModelForm):
    revenue_gain = MoneyField(
        allow_negative=True, required=False, label=_("Revenue gain"), help_text=_("Yuan.")
    )
    tags = forms.CharField(
        required=False,
        help_text=_("Comma-separated, e.g. campus, broadband, renewal."),
        label=_("Tags"),
    )

    class Meta:
        model = MarketingCase
        fields = [
            "county",
            "title",
            "what_was_done",
            "result",
            "new_households",
            "revenue_gain",
            "tags",
        ]
        field_classes = {"new_households": CountField}
        labels = {
            "county": _("County"),
            "title": _("Title"),
            "what_was_done": _("What was done"),
            "result": _("Result figures"),
            "new_households": _("New households"),
        }
        widgets = {
            "what_was_done": forms.Textarea(attrs={"rows": 5}),
            "result": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_counties(user)
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = ", ".join(tag.name for tag in self.instance.tags.all())

    def clean_tags(self) -> list[str]:
        try:
            return services.parse_tags(self.cleaned_data["tags"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["tags"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what ModelForm.clean() returns; the stubs allow None
        if data.get("county") and data.get("title"):
            try:
                services.marketing_case_check(
                    county=data["county"], title=data["title"], exclude_pk=self.instance.pk
                )
            except ValidationError as error:
                add_service_errors(self, error)
        return data


class FieldVisitForm(CountyOfUserMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = FieldVisit
        fields = ["county", "date", "kind", "participants", "findings"]
        field_classes = {"date": BusinessDateField}
        labels = {
            "county": _("County"),
            "date": _("Date"),
            "kind": _("Kind"),
            "participants": _("Participants"),
            "findings": _("Findings"),
        }
        widgets = {
            "date": DATE_INPUT,
            "participants": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_counties(user)


class FollowUpForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = FollowUpAction
        fields = ["description", "owner", "due_on", "done", "done_on"]
        field_classes = {"due_on": BusinessDateField, "done_on": BusinessDateField}
        labels = {
            "description": _("Description"),
            "owner": _("Owner"),
            "due_on": _("Due on"),
            "done": _("Done"),
            "done_on": _("Done on"),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "due_on": DATE_INPUT,
            "done_on": DATE_INPUT,
        }
        help_texts = {"done_on": _("Left empty, a done action is dated today.")}

    def __init__(self, *args: Any, visit: FieldVisit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.visit = visit
        owner = cast(forms.ModelChoiceField, self.fields["owner"])  # the model's owner field
        owner.queryset = services.owner_candidates(visit.county_id)
        # Replacing the label per instance is Django's documented use; the stubs see a method.
        owner.label_from_instance = person_choice  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what ModelForm.clean() returns; the stubs allow None
        if not self.errors:
            try:
                services.follow_up_check(county=self.visit.county_id, owner=data.get("owner"))
            except ValidationError as error:
                add_service_errors(self, error)
            else:
                data.update(
                    services.follow_up_done_fields(
                        data.get("done", False), data.get("done_on"), timezone.localdate()
                    )
                )
        return data
