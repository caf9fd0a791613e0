"""Pages print on A4 with a header saying what and when, and show people and choices by their
names (docs/language-and-formats.md#printing, #names-not-codes)."""

import importlib
from pathlib import Path

import django_tables2 as tables
import pytest
from django.conf import settings

from marketing_ops.models import ImportJob, Profile
from marketing_ops.tables import PersonColumn

pytestmark = pytest.mark.django_db

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "app.css").read_text()


def test_the_print_stylesheet_prints_on_a4_without_controls_and_repeats_table_headers():
    assert "@page { size: A4 portrait" in CSS
    assert "@page wide { size: A4 landscape" in CSS
    printing = CSS[CSS.index("@media print") :]
    for hidden in ("nav", ".btn", ".pagination", ".language-switch", 'form[method="get"]'):
        assert hidden in printing.split("display: none")[0]
    assert ".table thead { display: table-header-group; }" in printing
    assert "body.print-landscape { page: wide; }" in printing
    assert ".chart-box" in printing


def test_every_page_carries_a_print_header_with_the_city_title_and_print_date(
    client_for, city_user, settings
):
    page = client_for(city_user).get("/imports/").content.decode()
    header = page[page.index('<header class="print-header') : page.index("</header>")]
    assert settings.CITY_NAME in header
    assert 'print-header-title">Imports<' in header
    assert "Printed" in header
    assert "d-print-block" in header


def test_a_wide_page_prints_landscape_when_it_asks(rf, city_user):
    from django.template import Context, Template

    template = Template(
        '{% extends "base.html" %}{% block body_class %}print-landscape{% endblock %}'
    )
    request = rf.get("/")
    request.user = city_user
    html = template.render(Context({"request": request, "user": city_user}))
    body_tag = html.split("<body", 1)[1].split(">", 1)[0]
    assert "print-landscape" in body_tag


def test_a_user_is_shown_by_the_display_name_on_their_profile(client_for, staff_a, city_user):
    Profile.objects.filter(user=staff_a).update(display_name="张伟", phone="13800000000")
    page = client_for(staff_a).get("/").content.decode()
    assert "张伟" in page
    ImportJob.objects.create(
        dataset="counties",
        file_name="c.csv",
        sha256="b" * 64,
        created_by=staff_a,
        county=staff_a.profile.county,
    )
    imports = client_for(city_user).get("/imports/").content.decode()
    assert "张伟" in imports


def test_the_import_list_shows_datasets_and_statuses_by_name_not_code(client_for, city_user):
    ImportJob.objects.create(
        dataset="business_lines", file_name="l.csv", sha256="c" * 64, status="failed"
    )
    page = client_for(city_user).get("/imports/").content.decode()
    assert "Business lines" in page and ">business_lines<" not in page
    assert ">Failed<" in page and ">failed<" not in page
    client = client_for(city_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get("/imports/").content.decode()
    assert "失败" in page and "业务" in page


TABLE_MODULES = [
    "marketing_ops.tables",
    "revenue.tables",
    "revenue.activities.tables",
    "arrears.tables",
    "audits.tables",
    "materials.tables",
    "appraisal.tables",
]


def test_no_table_shows_a_user_name_or_a_business_line_code():
    """People through PersonColumn (display name), business lines by their name."""
    checked = 0
    for module_name in TABLE_MODULES:
        module = importlib.import_module(module_name)
        for table in vars(module).values():
            if not (isinstance(table, type) and issubclass(table, tables.Table)):
                continue
            for name, column in table.base_columns.items():
                accessor = str(column.accessor or name)
                assert not accessor.endswith("username"), (table.__name__, name)
                assert not accessor.endswith("business_line__code"), (table.__name__, name)
                checked += isinstance(column, PersonColumn)
    assert checked >= 20


def test_a_person_column_shows_and_exports_the_display_name(staff_a):
    Profile.objects.filter(user=staff_a).update(display_name="张伟")
    staff_a.refresh_from_db()
    column = PersonColumn()
    assert column.render(staff_a) == column.value(staff_a) == "张伟"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/revenue/", "/arrears/", "/materials/loop/", "/appraisal/", "/audits/cashflow/"]
)
def test_the_dashboards_print_landscape(client_for, city_user, path):
    page = client_for(city_user).get(path).content.decode()
    body = page[page.index("<body") : page.index(">", page.index("<body"))]
    assert "print-landscape" in body
