"""Findings (docs/rules.md#findings): who opens them, rectify → verify with separation of
duties, reject back to open, evidence revisions, overdue, history."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audits.models import Finding, FindingEvidence
from audits.services import findings as writes
from tests.conftest import make_user


def open_finding(api, audit, **fields):
    body = {
        "category": "refund",
        "description": "Refund R-9 repeats R-4",
        "severity": "high",
        "amount": "120.00",
        "due_on": "2026-11-20",
        **fields,
    }
    return api.post(f"/api/v1/audits/{audit.pk}/findings/", body, format="json")


@pytest.fixture
def finding_a(api_for, auditor1_a, staff_a, daily_a):
    response = open_finding(api_for(auditor1_a), daily_a, owner="staff_a")
    assert response.status_code == 201, response.content
    return Finding.objects.get(pk=response.json()["id"])


def test_the_audits_auditor_or_city_staff_open_findings(
    api_for, auditor1_a, city_user, staff_a, head_a, auditor2, daily_a, daily_b
):
    assert open_finding(api_for(city_user), daily_b).status_code == 201
    assert open_finding(api_for(staff_a), daily_a).status_code == 403
    assert open_finding(api_for(head_a), daily_a).status_code == 403
    # A daily audit is signed by level 1 only: a level-2 auditor may not open findings on it.
    assert open_finding(api_for(auditor2), daily_a).status_code == 403
    assert open_finding(api_for(auditor1_a), daily_b).status_code == 404
    body = open_finding(api_for(auditor1_a), daily_a, amount="12.345").json()
    assert "amount" in body


def test_the_owner_must_be_a_user_of_the_county(api_for, auditor1_a, staff_b, daily_a):
    response = open_finding(api_for(auditor1_a), daily_a, owner="staff_b")
    assert response.status_code == 400 and "C01" in response.json()["owner"][0]


def test_rectify_then_verify_by_another_auditor(api_for, staff_a, auditor2, finding_a):
    url = f"/api/v1/audits/findings/{finding_a.pk}/"
    assert api_for(auditor2).post(url + "verify/", {}).status_code == 400  # not rectified yet
    assert api_for(staff_a).post(url + "rectify/", {"note": ""}).status_code == 400
    response = api_for(staff_a).post(url + "rectify/", {"note": "Refund R-9 reversed"})
    assert response.status_code == 200 and response.json()["status"] == "rectified"
    response = api_for(auditor2).post(url + "verify/", {"note": "Reversal seen"})
    assert response.status_code == 200 and response.json()["status"] == "verified"
    actions = list(finding_a.events.values_list("action", "user__username"))
    assert actions == [
        ("opened", "auditor1_a"),
        ("rectified", "staff_a"),
        ("verified", "auditor2"),
    ]


def test_the_one_who_rectified_may_not_verify(api_for, auditor2, daily_a, auditor1_a):
    owner = make_user("aud2_owner", "auditor", None, 2)
    finding = writes.finding_open(
        audit=daily_a,
        user=auditor1_a,
        category="other",
        description="x",
        severity="low",
        due_on=dt.date(2026, 11, 20),
    )
    Finding.objects.filter(pk=finding.pk).update(owner=owner)
    url = f"/api/v1/audits/findings/{finding.pk}/"
    assert api_for(owner).post(url + "rectify/", {"note": "done"}).status_code == 200
    response = api_for(owner).post(url + "verify/", {})
    assert response.status_code == 403
    assert "another auditor" in response.json()["detail"]
    assert api_for(owner).post(url + "reject/", {"reason": "no"}).status_code == 403
    assert api_for(auditor2).post(url + "verify/", {}).status_code == 200


def test_level_1_auditors_and_county_staff_do_not_verify(
    api_for, staff_a, auditor1_a, finding_a, city_user
):
    url = f"/api/v1/audits/findings/{finding_a.pk}/"
    api_for(staff_a).post(url + "rectify/", {"note": "done"})
    for user in (auditor1_a, staff_a, city_user):
        assert api_for(user).post(url + "verify/", {}).status_code == 403


def test_a_rejected_rectification_is_open_again_with_the_reason(
    api_for, staff_a, auditor3, finding_a
):
    url = f"/api/v1/audits/findings/{finding_a.pk}/"
    api_for(staff_a).post(url + "rectify/", {"note": "done"})
    assert api_for(auditor3).post(url + "reject/", {"reason": ""}).status_code == 400
    response = api_for(auditor3).post(url + "reject/", {"reason": "No reversal voucher"})
    assert response.status_code == 200 and response.json()["status"] == "open"
    last = finding_a.events.order_by("-pk").first()
    assert (last.action, last.note) == ("rejected", "No reversal voucher")


def test_another_county_never_sees_the_finding(api_for, staff_b, finding_a):
    url = f"/api/v1/audits/findings/{finding_a.pk}/"
    assert api_for(staff_b).post(url + "rectify/", {"note": "x"}).status_code == 404
    assert api_for(staff_b).get("/api/v1/audits/findings/").json()["count"] == 0


def test_findings_list_filters_and_overdue(api_for, city_user, finding_a, daily_b, today):
    writes.finding_open(
        audit=daily_b,
        user=city_user,
        category="cash_flow",
        description="y",
        severity="low",
        due_on=dt.date(2026, 11, 10),
    )
    api = api_for(city_user)
    rows = api.get("/api/v1/audits/findings/").json()["results"]
    assert {(r["county"], r["overdue"]) for r in rows} == {("C01", False), ("C02", True)}
    assert [
        r["county"] for r in api.get("/api/v1/audits/findings/?overdue=true").json()["results"]
    ] == ["C02"]
    assert api.get("/api/v1/audits/findings/?county=C01&status=open").json()["count"] == 1
    row = api.get("/api/v1/audits/findings/?county=C01").json()["results"][0]
    assert set(row) >= {
        "id",
        "audit",
        "county",
        "category",
        "severity",
        "amount",
        "status",
        "due_on",
        "overdue",
    }
    assert row["amount"] == "120.00"


def test_evidence_is_kept_with_revisions_and_never_overwritten(
    api_for, staff_a, finding_a, settings
):
    url = f"/api/v1/audits/findings/{finding_a.pk}/evidence/"
    api = api_for(staff_a)
    first = api.post(
        url,
        {"file": SimpleUploadedFile("voucher.pdf", b"first"), "effective_date": "2026-11-16"},
        format="multipart",
    )
    assert first.status_code == 201, first.content
    second = api.post(
        url,
        {
            "file": SimpleUploadedFile("voucher.pdf", b"corrected"),
            "effective_date": "2026-11-16",
            "document": "voucher.pdf",
        },
        format="multipart",
    )
    assert second.json()["revision"] == 2
    rows = FindingEvidence.objects.filter(finding=finding_a).order_by("revision")
    assert [r.file.read() for r in rows] == [b"first", b"corrected"]
    assert rows[0].file.name != rows[1].file.name
    assert str(settings.MEDIA_ROOT) in rows[0].file.path
    import hashlib

    assert rows[1].sha256 == hashlib.sha256(b"corrected").hexdigest()
    assert [r["revision"] for r in api.get(url).json()] == [1, 2]


def test_evidence_over_20_mb_is_refused(staff_a, finding_a):
    big = io.BytesIO(b"\0" * (20 * 1024 * 1024 + 1))
    with pytest.raises(Exception) as error:
        writes.evidence_add(
            finding=finding_a,
            user=staff_a,
            fileobj=big,
            file_name="big.bin",
            effective_date=dt.date(2026, 11, 16),
        )
    assert "20 MB" in str(error.value)
    assert not FindingEvidence.objects.exists()


def test_a_manager_reads_but_adds_no_evidence(api_for, head_a, finding_a):
    url = f"/api/v1/audits/findings/{finding_a.pk}/evidence/"
    assert api_for(head_a).get(url).status_code == 200
    response = api_for(head_a).post(
        url,
        {"file": SimpleUploadedFile("a.txt", b"x"), "effective_date": "2026-11-16"},
        format="multipart",
    )
    assert response.status_code == 403
