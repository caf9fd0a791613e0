"""The language of the interface (docs/language-and-formats.md#languages): two languages, a
switch on every page kept on the user's profile and brought back at sign-in, the catalogue
compiled and in step with its source."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from marketing_ops.models import Profile
from marketing_ops.services import profile_set_language
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

LOCALE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_the_languages_are_simplified_chinese_and_english_with_english_the_default_for_now():
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]
    assert settings.LANGUAGE_CODE == "en"
    assert "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE


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


def test_a_user_without_a_chosen_language_signs_in_to_the_default(client, county_a):
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


def _po_entries(text: str) -> dict[str, str]:
    """msgid (with its context, as compiled) → msgstr of the catalogue's singular entries that
    are neither fuzzy nor empty."""
    entries: dict[str, str] = {}
    for block in text.split("\n\n"):
        if "#, fuzzy" in block or "msgid_plural" in block:
            continue
        found = re.search(r'^msgid ((?:".*"\n?)+)^msgstr ((?:".*"\n?)+)', block + "\n", re.M)
        if not found:
            continue
        msgid, msgstr = (
            "".join(re.findall(r'"(.*)"', part))
            .encode()
            .decode("unicode_escape")
            .encode("latin-1")
            .decode()
            for part in found.groups()
        )
        context = re.search(r'^msgctxt "(.*)"$', block, re.M)
        if context:
            # The compiled catalogue keys an entry with a context as "context\x04msgid".
            msgid = f"{context.group(1)}\x04{msgid}"
        if msgid and msgstr:
            entries[msgid] = msgstr
    return entries


def test_the_compiled_catalogue_is_in_step_with_its_source():
    """``make messages`` compiles django.po into the committed django.mo; a translation edited
    in the .po without compiling fails here."""
    source = _po_entries((LOCALE / "django.po").read_text())
    with open(LOCALE / "django.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    assert source, "the catalogue translates nothing"
    stale = {k: v for k, v in source.items() if catalogue.gettext(k) != v}
    assert not stale


def test_the_core_speaks_chinese_where_it_is_translated():
    from marketing_ops.access import role_label
    from marketing_ops.xlsx import yes_no

    with translation.override("zh-hans"):
        assert (yes_no(True), yes_no(False)) == ("是", "否")
        assert role_label("county_staff") == "县公司人员"
        assert translation.gettext("Total") == "合计"


def test_the_catalogue_has_no_untranslated_or_fuzzy_entry():
    """Every msgid ``make messages`` extracted has its Chinese; a fuzzy guess counts as none."""
    text = (LOCALE / "django.po").read_text()
    untranslated, fuzzy = [], []
    for block in text.split("\n\n")[1:]:
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block + "\n", re.M)
        if msgid is None or block.lstrip().startswith("#~"):
            continue
        if "#, fuzzy" in block:
            fuzzy.append(msgid.group(1)[:60])
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block + "\n", re.M)
        if not strings or any(not "".join(re.findall(r'"(.*)"', s)) for s in strings):
            untranslated.append(msgid.group(1)[:60])
    assert untranslated == []
    assert fuzzy == []
