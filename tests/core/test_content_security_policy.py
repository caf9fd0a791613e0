"""Every response carries a Content-Security-Policy, and the pages work under it: their
scripts run (charts draw, the API docs load) and the browser reports no violation."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from marketing_ops.security import HEADER

PAGES = ["/", "/revenue/", "/revenue/reports/", "/arrears/", "/imports/new/", "/api/docs/"]


@pytest.mark.django_db
def test_each_response_has_a_policy_with_its_own_script_nonce(client_for, city_user):
    client = client_for(city_user)
    first = client.get("/arrears/")
    second = client.get("/arrears/")
    for response in (first, second):
        policy = response[HEADER]
        assert "script-src 'self' 'nonce-" in policy
        assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy
        assert "object-src 'none'" in policy
    nonce = first.wsgi_request.csp_nonce
    assert nonce != second.wsgi_request.csp_nonce
    # The dashboard's own chart script carries the nonce of its response.
    assert f'<script nonce="{nonce}">'.encode() in first.content


@pytest.mark.django_db
def test_the_login_page_and_the_api_carry_the_policy_too():
    assert HEADER in Client().get("/accounts/login/")
    assert HEADER in Client().get("/api/v1/me/")


@pytest.mark.browser
def test_the_pages_run_under_the_policy_without_a_violation(
    transactional_db, live_server, browser_page, login_as, admin_user
):
    violations: list[str] = []
    page = browser_page
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    login_as(admin_user)
    for path in [*PAGES, "/admin/"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        violations.extend(page.evaluate("window.__csp"))
        if path == "/arrears/":
            # The inline chart script ran: Chart.js has a chart on the recovery canvas.
            assert page.evaluate(
                "!!(window.Chart && Chart.getChart(document.getElementById('chart-recovery')))"
            )
        if path == "/api/docs/":
            page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    assert violations == []


@pytest.mark.browser
def test_an_injected_inline_script_is_blocked(
    transactional_db, live_server, browser_page, login_as, city_user
):
    page = login_as(city_user)
    page.goto(live_server.url + "/")
    blocked = page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener('securitypolicyviolation', () => resolve(true));
            const script = document.createElement('script');
            script.textContent = 'window.__ran = true';
            document.body.appendChild(script);
            setTimeout(() => resolve(false), 1000);
        })"""
    )
    assert blocked is True
    assert page.evaluate("window.__ran === undefined")


def test_no_template_carries_inline_script_the_policy_would_block():
    """Event handler attributes and ``<script>`` without a ``src`` or the nonce never run under
    the policy: pages declare behaviour in data attributes (static/js/app.js) instead."""
    root = Path(settings.BASE_DIR) / "templates"
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    script = re.compile(r"<script(?![^>]*\b(?:src|nonce)=)[^>]*>", re.IGNORECASE)
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.html")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if handler.search(line) or script.search(line)
    ]
    assert offenders == []
