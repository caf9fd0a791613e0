"""The top bar: an app naming a ``nav_group`` (materials, audits) shows its entries as one
dropdown; every page stays reachable and the open page's entry and dropdown are marked."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _dropdown(html: str, label: str) -> str:
    found = re.search(
        r'dropdown-toggle[^"]*"[^>]*>'
        + re.escape(label)
        + r"</a>\s*<ul class=\"dropdown-menu\">(.*?)</ul>",
        html,
        re.S,
    )
    assert found, f"no {label} dropdown"
    return found.group(1)


def test_materials_and_audits_are_dropdowns_holding_every_entry(client_for, city_user):
    html = client_for(city_user).get(reverse("materials:loop")).content.decode()
    materials = _dropdown(html, "Materials")
    for name in ("stock", "moves", "terminals", "loop", "counts", "random-checks"):
        assert f'href="{reverse(f"materials:{name}")}"' in materials
    assert 'dropdown-item active" href="' + reverse("materials:loop") in materials
    assert re.search(r'nav-link dropdown-toggle active"[^>]*>Materials<', html)
    audits = _dropdown(html, "Audits")
    for name in ("calendar", "items", "cashflow", "false-users", "onsite", "notices"):
        assert f'href="{reverse(f"audits:{name}")}"' in audits
    assert not re.search(r'nav-link dropdown-toggle active"[^>]*>Audits<', html)
    # Apps without a group keep their plain entries.
    assert f'class="nav-link" href="{reverse("appraisal:ranking")}"' in html
