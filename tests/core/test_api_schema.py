"""The schema at /api/schema/ says what the API answers (docs/api.md#errors): nullable fields
are nullable, every operation lists the errors it can give with their bodies, and query
parameters the API cannot read answer 400 instead of being ignored."""

from __future__ import annotations

import io

import pytest

API = "/api/v1/"


@pytest.fixture
def schema(client, city_user):
    client.force_login(city_user)
    return client.get("/api/schema/?format=json").json()


def component(schema, name):
    return schema["components"]["schemas"][name]


def test_fields_that_can_be_null_are_declared_nullable(schema):
    job = component(schema, "ImportJob")["properties"]
    assert job["county"]["nullable"] is True  # a city-wide import names no county
    assert job["created_by"]["nullable"] is True
    target = component(schema, "CountyTarget")["properties"]
    assert target["phasing_profile"]["nullable"] is True  # phased by weights, not a profile
    report = component(schema, "Report")["properties"]
    assert report["submitted_by"]["nullable"] is True
    assert component(schema, "Transfer")["properties"]["approver"]["nullable"] is True


def test_every_operation_documents_the_errors_it_can_answer(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            where = f"{method.upper()} {path}"
            if "{" in path:
                assert "404" in codes, where
            if path == API + "auth/token/" and method == "post":
                continue  # asking for a token needs no login
            assert "401" in codes, where
            if method in ("post", "put", "patch") and "requestBody" in operation:
                assert {"400", "403"} <= codes, where
    report = schema["paths"][API + "revenue/reports/{county}/{year}/{month}/"]["put"]
    conflict = report["responses"]["409"]["content"]["application/json"]["schema"]
    assert conflict == {"$ref": "#/components/schemas/Conflict"}
    assert set(component(schema, "Conflict")["required"]) == {"detail", "version"}
    token = schema["paths"][API + "auth/token/"]["post"]["responses"]
    assert {"200", "400", "429"} <= set(token)


@pytest.mark.parametrize(
    "path",
    [API + "imports/", API + "arrears/imports/", API + "revenue/reports/import/"],
)
def test_uploads_document_their_400_as_row_errors_and_answer_so(schema, api_for, admin_user, path):
    documented = schema["paths"][path]["post"]["responses"]["400"]["content"]["application/json"]
    assert documented["schema"] == {"$ref": "#/components/schemas/ImportErrors"}
    assert component(schema, "ImportErrors")["required"] == ["errors"]
    client = api_for(admin_user)
    # No file at all: the form's error comes back in the same rows a rejected file has.
    answer = client.post(path, {"dataset": "counties", "kind": "accounts"})
    assert answer.status_code == 400
    assert answer.json() == {
        "errors": [{"row": None, "column": "file", "message": "No file was submitted."}]
    }
    if path == API + "arrears/imports/":
        return  # its rows are read in the background: the job fails later, not this answer
    # A file the pipeline rejects keeps its row errors (and, for a job, the job's fields).
    upload = io.BytesIO(b"code,name,kind\nC09,Bad,planet\n")
    upload.name = "counties.csv"
    answer = client.post(path, {"dataset": "counties", "kind": "accounts", "file": upload})
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["row"] in (1, 2)


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("revenue/reports/?year=-2.5e-175", "year"),
        ("revenue/reports/?month=89213480074", "month"),
        ("revenue/progress/?year=-2.5e-175", "year"),
        ("revenue/progress/?month=0", "month"),
        ("revenue/reports/template.xlsx?year=20x6", "year"),
        ("counties/?active=maybe", "active"),
        ("revenue/follow-ups/?done=-1", "done"),
        ("revenue/follow-ups/?mine=yes please", "mine"),
        ("counties/?page_size=many", "page_size"),
        ("counties/?page_size=501", "page_size"),
        ("arrears/transfers/?year=2026.5", "year"),
        ("arrears/transfers/summary/?year=-1", "year"),
        ("arrears/recovery/?month=June", "month"),
    ],
)
def test_query_parameters_the_api_cannot_read_answer_400_naming_them(
    api_for, city_user, url, parameter
):
    answer = api_for(city_user).get(API + url)
    assert answer.status_code == 400, answer.content
    assert parameter in answer.json()


def test_empty_query_parameters_count_as_not_given(api_for, city_user, county_a):
    client = api_for(city_user)
    assert client.get(API + "counties/?active=&page_size=").json()["count"] == 1
    assert client.get(API + "arrears/recovery/?month=").status_code == 200
    assert client.get(API + "revenue/progress/?year=&month=").status_code == 200


def test_an_api_path_that_names_nothing_answers_json_404(api_for, city_user):
    answer = api_for(city_user).get(API + "imports/not-a-number/")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "Not found."}
