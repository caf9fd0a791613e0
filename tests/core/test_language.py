"""The language of the interface (docs/language-and-formats.md#languages): two languages, a
switch on every page kept on the user's profile and brought back at sign-in, the catalogue
compiled and in step with its source."""

import gettext
import os
import shutil
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from marketing_ops.management.commands.catalogue import parse_po
from marketing_ops.models import Profile
from marketing_ops.services import profile_set_language
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def _settings_language(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "LANGUAGE_CODE"} | env
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.LANGUAGE_CODE)"],
        cwd=settings.BASE_DIR,
        env=environment | {"DJANGO_SETTINGS_MODULE": "marketing_ops.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_languages_are_simplified_chinese_the_default_and_english():
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]
    assert "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE
    assert _settings_language().stdout.strip() == "zh-hans"
    assert _settings_language(LANGUAGE_CODE="en").stdout.strip() == "en"
    refused = _settings_language(LANGUAGE_CODE="fr")
    assert refused.returncode != 0 and "LANGUAGE_CODE must be one of zh-hans, en" in refused.stderr


def test_a_new_visitor_is_served_chinese_unless_the_browser_asks_for_english(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in page and "登录" in page
    english = client.get("/accounts/login/", headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in english.content.decode()


def test_a_user_who_never_chose_signs_in_to_chinese(client, county_a, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    user = make_user("zhao", "county_staff", county_a)
    user.set_password("s3cret-pass-word")
    user.save()
    client.post("/accounts/login/", {"username": "zhao", "password": "s3cret-pass-word"})
    page = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in page and "退出" in page


def test_every_page_carries_the_language_switch(client_for, staff_a):
    page = client_for(staff_a).get("/").content.decode()
    assert 'action="/accounts/language/"' in page
    assert 'value="zh-hans"' in page and "简体中文" in page
    assert '<html lang="en">' in page


def test_the_login_page_carries_the_switch_too(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'action="/accounts/language/"' in page


def test_switching_to_chinese_serves_chinese_and_keeps_it_on_the_profile(client_for, staff_a):
    client = client_for(staff_a)
    response = client.post("/accounts/language/", {"language": "zh-hans", "next": "/imports/"})
    assert response.status_code == 302 and response["Location"] == "/imports/"
    assert Profile.objects.get(user=staff_a).language == "zh-hans"
    page = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert "退出" in page  # "Log out"
    assert "Log out" not in page


def test_the_language_comes_back_at_the_next_sign_in_in_another_browser(client, county_a):
    user = make_user("wang", "county_staff", county_a)
    user.set_password("s3cret-pass-word")
    user.save()
    profile_set_language(user=user, language="zh-hans")
    response = client.post("/accounts/login/", {"username": "wang", "password": "s3cret-pass-word"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


def test_a_user_without_a_chosen_language_signs_in_to_the_default_here_english(client, county_a):
    user = make_user("li", "county_staff", county_a)
    user.set_password("s3cret-pass-word")
    user.save()
    client.post("/accounts/login/", {"username": "li", "password": "s3cret-pass-word"})
    assert '<html lang="en">' in client.get("/").content.decode()


def test_an_anonymous_visitor_switches_for_the_browser_only(client):
    response = client.post("/accounts/language/", {"language": "zh-hans", "next": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    assert not Profile.objects.exists()
    assert '<html lang="zh-hans">' in client.get("/accounts/login/").content.decode()


def test_an_unknown_language_changes_nothing(client_for, staff_a):
    client = client_for(staff_a)
    client.post("/accounts/language/", {"language": "fr", "next": "/"})
    assert Profile.objects.get(user=staff_a).language == ""
    assert '<html lang="en">' in client.get("/").content.decode()


def test_the_switch_refuses_a_get_and_never_redirects_off_site(client_for, staff_a):
    client = client_for(staff_a)
    assert client.get("/accounts/language/").status_code == 405
    response = client.post(
        "/accounts/language/", {"language": "en", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_the_service_refuses_a_language_the_product_does_not_have(staff_a):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        profile_set_language(user=staff_a, language="de")
    assert "language" in refused.value.message_dict


def test_roles_read_by_their_names_in_the_user_menu(client_for, staff_a):
    page = client_for(staff_a).get("/").content.decode()
    assert "County staff" in page
    assert "county_staff" not in page
    with translation.override("zh-hans"):
        client = client_for(staff_a)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        assert "县公司人员" in client.get("/").content.decode()


# --------------------------------------------------------------------------- the catalogue


def test_the_compiled_catalogue_is_in_step_with_its_source():
    """``make messages`` compiles django.po into the committed django.mo; a translation edited
    in the .po without compiling fails here."""
    source = {
        entry.key: entry.translations[0]
        for entry in parse_po((LOCALE / "django.po").read_text())
        if not entry.untranslated and not entry.fuzzy and len(entry.translations) == 1
    }
    with open(LOCALE / "django.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    assert len(source) > 2000, "the catalogue translates (almost) nothing"
    stale = {k: v for k, v in source.items() if catalogue.gettext(k) != v}
    assert not stale


PO_SAMPLE = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"

#: a.py:1
msgid "Total"
msgstr "合计"

#: b.py:2
#, python-format
msgid "Line %(name)s says \"hi\""
msgstr ""

#: c.py:3
#, fuzzy
msgctxt "month"
msgid "May"
msgstr "可以"

#: d.py:4
msgid "one item"
msgid_plural "%(n)s items"
msgstr[0] "%(n)s 项"

#~ msgid "Gone"
#~ msgstr "没了"
"""


def test_the_catalogue_check_reads_what_is_missing_and_what_is_a_guess():
    entries = {entry.key: entry for entry in parse_po(PO_SAMPLE)}
    assert set(entries) == {"Total", 'Line %(name)s says "hi"', "month\x04May", "one item"}
    assert entries["Total"].translations == ["合计"] and not entries["Total"].untranslated
    assert entries['Line %(name)s says "hi"'].untranslated
    assert entries["month\x04May"].fuzzy and entries["month\x04May"].references == ["c.py:3"]
    assert entries["one item"].translations == ["%(n)s 项"]


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext")
def test_make_lint_finds_every_marked_string_translated_and_changes_no_file():
    po = (LOCALE / "django.po").read_bytes()
    out = StringIO()
    call_command("catalogue", "--check", stdout=out)
    assert "the catalogue translates every one of" in out.getvalue()
    assert (LOCALE / "django.po").read_bytes() == po


def test_the_core_speaks_chinese_where_it_is_translated():
    from marketing_ops.access import role_label
    from marketing_ops.xlsx import yes_no

    with translation.override("zh-hans"):
        assert (yes_no(True), yes_no(False)) == ("是", "否")
        assert role_label("county_staff") == "县公司人员"
        assert translation.gettext("Total") == "合计"


def test_the_catalogue_has_no_untranslated_or_fuzzy_entry():
    """Every msgid ``make messages`` extracted has its Chinese; a fuzzy guess counts as none."""
    entries = parse_po((LOCALE / "django.po").read_text())
    assert [entry.key for entry in entries if entry.untranslated] == []
    assert [entry.key for entry in entries if entry.fuzzy] == []
