"""The admin lists every activity with its filters and search."""

import pytest
from django.urls import reverse

MODELS = ["tariffpackage", "training", "casetag", "marketingcase", "fieldvisit", "followupaction"]


@pytest.mark.parametrize("model", MODELS)
def test_the_admin_lists_and_searches_the_activities(
    client_for, admin_user, package_ab, training_a, case_a, follow_ups_a, model
):
    client = client_for(admin_user)
    url = reverse(f"admin:revenue_{model}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "a"}).status_code == 200


def test_the_admin_edits_a_visit_with_its_follow_ups_inline(client_for, admin_user, follow_ups_a):
    visit = follow_ups_a[0].visit
    page = client_for(admin_user).get(reverse("admin:revenue_fieldvisit_change", args=[visit.pk]))
    assert page.status_code == 200
    assert "Agree fibre build dates" in page.content.decode()
