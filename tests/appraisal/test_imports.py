"""The ``indicator_values`` dataset: manual values by upload, all or nothing, city roles only."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from appraisal.models import ManualValue
from appraisal.services import months, values
from marketing_ops.models import ImportJob
from marketing_ops.services import import_submit
from tests.appraisal.conftest import M

pytestmark = pytest.mark.django_db


@pytest.fixture
def visits(city_user):
    values.indicator_create(
        code="VISITS", name="Visits", direction="higher", unit="visits", user=city_user
    )


def upload(text: str, user):
    return import_submit(
        dataset="indicator_values",
        fileobj=io.BytesIO(text.encode()),
        file_name="values.csv",
        user=user,
        background=False,
    )


HEADER = "county_code,month,indicator,value\n"


def test_manual_values_are_imported_and_replaced(visits, county_a, county_b, city_user):
    job = upload(HEADER + 'C01,2026-10,VISITS,12.5\nC02,2026-10,VISITS,"1,234"\n', city_user)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert dict(ManualValue.objects.values_list("county__code", "value")) == {
        "C01": Decimal("12.5"),
        "C02": Decimal("1234"),
    }


def test_a_file_naming_a_built_in_indicator_or_a_closed_month_is_refused_whole(
    visits, county_a, city_user, account, scheme, compute
):
    job = upload(HEADER + "C01,2026-10,VISITS,3\nC01,2026-10,CHURN_RATE,0.1\n", city_user)
    assert job.status == ImportJob.Status.FAILED
    assert any(e["row"] == 3 and e["column"] == "indicator" for e in job.errors)
    assert not ManualValue.objects.exists()
    account("A1", county_a)
    scheme()
    compute()
    months.month_close(month=M, user=city_user, now=timezone.now())
    job = upload(HEADER + "C01,2026-10,VISITS,3\n", city_user)
    assert job.status == ImportJob.Status.FAILED
    assert job.errors[0]["column"] == "month"


def test_county_staff_may_not_upload_manual_values(visits, county_a, staff_a):
    with pytest.raises(PermissionDenied):
        upload(HEADER + "C01,2026-10,VISITS,3\n", staff_a)
    assert not ManualValue.objects.exists()
