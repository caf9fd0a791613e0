"""A Chinese user meets no English (docs/language-and-formats.md#languages): every page each demo
role reaches from its home page by following links, rendered in zh-hans, shows none of the
catalogue's English source strings as a text of its own (a heading, a label, a cell, a button,
a title or an input's hint), nor a day, month or week written the ISO way (2026-11 reads
2026年11月 there; ISO stays in the API, files, URLs and input values).

The demo city is seeded once in the test, then each role's pages are walked breadth-first, one
page per URL pattern and query shape, so every list, detail and form a role can reach is read
with real data in it."""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

from marketing_ops.management.commands.catalogue import parse_po

LOCALE = Path(django_settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"

#: The demo users walked: one per role, a county's three and the city's.
ROLES = ["admin", "city", "leader", "auditor2", "c01_staff", "c01_auditor", "c01_head"]
#: Where the walk does not go: the language switch and logout act on a POST; the admin is
#: Django's own (its labels come from the models, read on the model pages walked here); the API
#: docs page is Swagger UI's.
SKIP = ("/accounts/logout/", "/accounts/language/", "/api/", "/static/", "/admin/")
MAX_PAGES_PER_ROLE = 400


class _Text(HTMLParser):
    """The texts a reader sees: text nodes and the title, hint and label attributes."""

    ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.texts.append(value)
            if tag == "a" and name == "href" and value:
                self.links.append(value)
        if tag == "input" and ("type", "submit") in attrs:
            self.texts.extend(value for name, value in attrs if name == "value" and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            text = " ".join(data.split())
            if text:
                self.texts.append(text)


#: A day, month or week written the ISO way (2026-12-05, 2026-11, 2026-W48) as a text of its own
#: or inside one; order numbers and codes that carry a date (RF-01-20261130-X) are not dates.
ISO_PERIOD = re.compile(r"(?<![\w-])\d{4}-(?:\d{2}-\d{2}|\d{2}|W\d{2})(?![\w-])")


def english_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """A whole-text pattern per English source string the catalogue translates differently:
    placeholders match anything; strings of fewer than three letters are left out (units,
    codes)."""
    patterns = []
    for entry in parse_po(LOCALE.read_text(encoding="utf-8")):
        msgid = entry.key.split("\x04")[-1]
        if entry.translations and entry.translations[0] == msgid:
            continue
        if len(re.findall(r"[A-Za-z]", re.sub(r"%\(\w+\)[sd]|%[sd]", "", msgid))) < 3:
            continue
        parts = re.split(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}", " ".join(msgid.split()))
        body = "(?:.+?)".join(re.escape(part) for part in parts)
        patterns.append((msgid, re.compile(rf"\s*{body}\s*[:：]?\s*")))
    return patterns


def _shape(url: str) -> tuple[str, tuple[str, ...]]:
    """A page's URL pattern and the names of its query parameters: one page per shape."""
    parts = urlsplit(url)
    route = resolve(parts.path).route
    query = tuple(sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair}))
    return route, query


def walk(client: Client, start: str = "/") -> dict[str, list[str]]:
    """Each page reached (one per shape) → the texts it shows."""
    seen: set[tuple[str, tuple[str, ...]]] = set()
    pages: dict[str, list[str]] = {}
    queue = deque([start])
    while queue and len(pages) < MAX_PAGES_PER_ROLE:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.netloc or parts.scheme or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(SKIP) or "export=" in parts.query:
            continue
        try:
            shape = _shape(url)
        except Resolver404:
            continue
        if shape in seen:
            continue
        seen.add(shape)
        response = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        reader = _Text()
        reader.feed(response.content.decode())
        pages[url] = reader.texts
        queue.extend(link.split("#")[0] for link in reader.links if not link.startswith("#"))
    return pages


@pytest.mark.django_db
def test_no_page_a_chinese_user_reaches_shows_an_english_label(settings):
    # As installed: Chinese is the default, so the demo's archived briefings are in Chinese.
    settings.LANGUAGE_CODE = "zh-hans"
    call_command("seed_demo", stdout=StringIO())
    patterns = english_patterns()
    assert len(patterns) > 1500
    found: dict[str, set[str]] = {}
    iso: dict[str, str] = {}
    walked = 0
    for username in ROLES:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        pages = walk(client)
        walked += len(pages)
        for url, texts in pages.items():
            for text in texts:
                if ISO_PERIOD.search(text):
                    iso.setdefault(re.sub(r"\d", "9", text)[:60], f"{username} {url}: {text[:100]}")
                if not re.search(r"[A-Za-z]{3}", text):
                    continue
                for msgid, pattern in patterns:
                    if pattern.fullmatch(text):
                        found.setdefault(f"{msgid!r}", set()).add(f"{username} {url}")
    assert walked > 100
    report = "\n".join(
        f"{msgid}: {', '.join(sorted(where)[:3])}" for msgid, where in sorted(found.items())
    )
    assert not found, f"English on Chinese pages:\n{report}"
    dates = "\n".join(sorted(iso.values()))
    assert not iso, f"ISO days, months or weeks on Chinese pages (2026年11月 there):\n{dates}"
