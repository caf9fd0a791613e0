"""The page kit (marketing_ops.pages, forms, api, tables): what every app's pages share."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.permissions import AllowAny
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from marketing_ops import pages
from marketing_ops.forms import BootstrapFormMixin, add_service_errors
from marketing_ops.models import ImportJob
from marketing_ops.tables import DateColumn, MoneyColumn, PointsColumn, RateColumn


def read_rows(content: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content)).worksheets[0].values)


# --- list pages --------------------------------------------------------------------------------


@pytest.fixture
def thirty_imports(county_a):
    return ImportJob.objects.bulk_create(
        ImportJob(dataset="counties", file_name=f"file-{n:02d}.csv", sha256=str(n), county=county_a)
        for n in range(30)
    )


def test_a_list_page_shows_one_page_and_links_to_the_export_of_every_row(
    client_for, city_user, thirty_imports
):
    response = client_for(city_user).get(reverse("imports"), {"page": 2, "status": ""})
    assert response.status_code == 200
    assert len(response.context["table"].page.object_list) == 30 - pages.PER_PAGE
    # The export link keeps the filters and drops the page: it is every row, not page 2.
    assert 'href="?status=&amp;export=xlsx"' in response.content.decode()


def test_the_export_has_every_filtered_row_in_the_order_the_page_is_sorted_by(
    client_for, city_user, thirty_imports
):
    response = client_for(city_user).get(
        reverse("imports"), {"sort": "-file_name", "page": 2, "export": "xlsx"}
    )
    assert response["Content-Disposition"] == 'attachment; filename="imports.xlsx"'
    header, *rows = read_rows(response.content)
    names = [row[header.index("File name")] for row in rows]
    assert names == [f"file-{n:02d}.csv" for n in reversed(range(30))]


def test_the_export_query_keeps_filters_and_sorting_and_drops_the_page():
    request = RequestFactory().get("/x/", {"q": "campus", "sort": "-date", "page": "3"})
    assert pages.export_query(request) == "q=campus&sort=-date&export=xlsx"
    assert not pages.wants_xlsx(request)
    assert pages.wants_xlsx(RequestFactory().get("/x/", {"export": "xlsx"}))


def test_a_page_the_role_may_not_use_is_forbidden():
    pages.require(True)
    with pytest.raises(pages.PermissionDenied):
        pages.require(False)


# --- forms -------------------------------------------------------------------------------------


class VisitForm(BootstrapFormMixin, forms.Form):
    county = forms.ChoiceField(choices=[("C01", "C01"), ("C02", "C02")])
    visits = forms.IntegerField()
    done = forms.BooleanField(required=False)
    note = forms.CharField(required=False, widget=forms.TextInput(attrs={"class": "text-end"}))


def test_every_widget_gets_its_bootstrap_class_and_a_declared_class_is_kept():
    form = VisitForm()
    css = {name: field.widget.attrs["class"] for name, field in form.fields.items()}
    assert css == {
        "county": "form-select",
        "visits": "form-control",
        "done": "form-check-input",
        "note": "text-end",
    }


def test_a_service_error_lands_on_the_field_it_names_and_marks_it_invalid():
    form = VisitForm({"county": "C01", "visits": "3"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"visits": "at most 2 visits a day"}))
    assert form.errors == {"visits": ["at most 2 visits a day"]}
    assert form.fields["visits"].widget.attrs["class"] == "form-control is-invalid"
    assert form.fields["county"].widget.attrs["class"] == "form-select"


def test_a_service_error_without_a_field_of_the_form_is_shown_above_it():
    form = VisitForm({"county": "C01", "visits": "3"})
    assert form.is_valid()
    add_service_errors(form, ValidationError({"plan": "the plan is published"}))
    add_service_errors(form, ValidationError("the month is closed"))
    assert form.non_field_errors() == ["the plan is published", "the month is closed"]


def test_a_form_page_shows_the_services_refusal_on_the_form_again(rf, admin_user):
    def refuse(**data):
        raise ValidationError({"visits": "at most 2 visits a day"})

    request = rf.post("/x/", {"county": "C01", "visits": "3"})
    request.user = admin_user
    response = pages.form_page(
        request,
        VisitForm(request.POST),
        save=refuse,
        success_message="saved",
        success_url="/done/",
        title="Visits",
        cancel_url="/",
    )
    assert response.status_code == 200
    assert "at most 2 visits a day" in response.content.decode()
    assert 'class="form-control is-invalid"' in response.content.decode()


def test_a_form_page_saves_through_the_service_and_goes_where_it_is_told(client, rf, admin_user):
    request = rf.post("/x/", {"county": "C02", "visits": "1"})
    request.user = admin_user
    request.session = client.session
    request._messages = pages.messages.storage.default_storage(request)
    response = pages.form_page(
        request,
        VisitForm(request.POST),
        save=lambda **data: data,
        success_message=lambda data: f"{data['visits']} visit in {data['county']}",
        success_url=lambda data: f"/visits/{data['county']}/",
        title="Visits",
        cancel_url="/",
    )
    assert response.status_code == 302
    assert response["Location"] == "/visits/C02/"
    assert [str(m) for m in request._messages] == ["1 visit in C02"]


# --- API ---------------------------------------------------------------------------------------


class RefusingView(APIView):
    permission_classes = [AllowAny]
    error = ValidationError("refused")

    def post(self, request):
        raise self.error


@pytest.mark.parametrize(
    "error, body",
    [
        (ValidationError({"amount": "over the limit"}), {"amount": ["over the limit"]}),
        (
            ValidationError({"month": ["closed"], NON_FIELD_ERRORS: ["not yours"]}),
            {"month": ["closed"], "non_field_errors": ["not yours"]},
        ),
        (ValidationError("the year is closed"), {"non_field_errors": ["the year is closed"]}),
    ],
)
def test_a_services_validation_error_is_a_400_with_its_field_errors(db, error, body):
    view = RefusingView.as_view(error=error)
    response = view(APIRequestFactory().post("/x/", {}, format="json"))
    assert response.status_code == 400
    assert response.data == body


# --- table columns -----------------------------------------------------------------------------


def test_columns_read_as_the_rest_of_the_product():
    assert MoneyColumn().render(Decimal("1234567.5")) == "1,234,567.50"
    assert RateColumn().render(Decimal("0.4987")) == "49.87%"
    assert PointsColumn().render(Decimal("1.2")) == "+1.20 pp"
    assert DateColumn().render(dt.date(2026, 3, 24)) == "2026-03-24"
    moment = dt.datetime(2026, 3, 24, 1, 30, tzinfo=dt.UTC)
    assert DateColumn(format="Y-m-d H:i").render(moment) == "2026-03-24 09:30"
    # Exports keep the numbers themselves.
    assert MoneyColumn().value(Decimal("86400.00")) == Decimal("86400.00")


def test_a_page_without_export_in_its_query_is_drawn_not_downloaded(rf):
    assert pages.export_tables(rf.get("/x/", {"sort": "name"}), "plans", []) is None
