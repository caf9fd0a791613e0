"""``seed_demo`` and ``create_user`` (README.md#command-line)."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from arrears.services import bill_totals
from marketing_ops.access import is_city_wide, roles_of, user_county
from marketing_ops.demo import DEMO_PASSWORD
from marketing_ops.formatting import person
from marketing_ops.models import County, Profile

pytestmark = pytest.mark.django_db

User = get_user_model()


def model_counts() -> dict[str, int]:
    """Row counts of every model of every installed app, so later apps are covered too."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if not model._meta.proxy
    }


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


# --------------------------------------------------------------------------- seed_demo


def test_seed_demo_creates_the_demo_city_whose_printed_logins_work(client):
    output = seed()
    assert County.objects.count() == 8
    assert set(County.objects.values_list("kind", flat=True)) == {"county", "district"}
    assert User.objects.filter(username__in=["admin", "city", "leader", "auditor2", "auditor3"])
    for code in ("c01", "c08"):
        for suffix in ("staff", "auditor", "head"):
            user = User.objects.get(username=f"{code}_{suffix}")
            assert user.check_password(DEMO_PASSWORD)
            assert user_county(user).code == code.upper()
    assert is_city_wide(User.objects.get(username="leader"))
    assert roles_of(User.objects.get(username="c03_auditor")) == {"auditor"}
    # The logins are printed at the end, with the password.
    assert DEMO_PASSWORD in output
    assert "c01_staff" in output
    # Every demo user has a Chinese name and a phone, which pages show and the list prints.
    profiles = Profile.objects.filter(user__username__in=["city", "c01_staff", "c08_head"])
    assert all(p.display_name and p.phone.startswith("138") for p in profiles)
    assert len({p.display_name for p in Profile.objects.all()}) == Profile.objects.count()
    staff = User.objects.get(username="c01_staff")
    assert person(staff) == staff.profile.display_name != "c01_staff"
    assert f"c01_staff      {staff.profile.display_name}" in output
    response = client.post(
        "/accounts/login/", {"username": "c01_staff", "password": DEMO_PASSWORD}, follow=True
    )
    assert response.context["user"].username == "c01_staff"


def test_the_demo_archive_holds_the_last_daily_weekly_and_monthly_briefings():
    from django.core import mail

    from marketing_ops.briefings import period_for
    from marketing_ops.models import Briefing

    seed()
    city = {b.kind: b for b in Briefing.objects.filter(scope="city")}
    assert {kind: city[kind].period for kind in city} == {
        kind: period_for(kind).label for kind in ("daily", "weekly", "monthly")
    }
    assert all(b.sent_at and b.html for b in city.values())
    # Each county has its own, and the demo mails nothing (its addresses are example.com).
    assert Briefing.objects.filter(kind="weekly").count() == 1 + County.objects.count()
    assert not mail.outbox
    assert "Arrears recovery" in city["weekly"].text


def test_seed_demo_twice_gives_the_same_data():
    seed()
    first = model_counts()
    users = set(User.objects.values_list("username", "is_active", "is_superuser"))
    profiles = set(Profile.objects.values_list("user__username", "county__code", "auditor_level"))
    seed()
    assert model_counts() == first
    assert set(User.objects.values_list("username", "is_active", "is_superuser")) == users
    assert (
        set(Profile.objects.values_list("user__username", "county__code", "auditor_level"))
        == profiles
    )
    assert first["marketing_ops.County"] == 8
    assert first["auth.User"] == first["marketing_ops.Profile"]
    # The demo's bills are written in bulk; the month × county totals the arrears figures read
    # are kept equal to them.
    assert first["arrears.BillMonthTotal"] > 0
    assert bill_totals.differences() == []
    if connection.vendor == "postgresql":
        # As a month's import leaves them: each month's bills in the month's partition.
        with connection.cursor() as cursor:
            cursor.execute("SELECT DISTINCT tableoid::regclass::text FROM arrears_bill")
            partitions = {row[0] for row in cursor.fetchall()}
        assert len(partitions) == 12
        assert "arrears_bill_default" not in partitions


# --------------------------------------------------------------------------- create_user


def create_user(*args: str) -> str:
    out = io.StringIO()
    call_command("create_user", *args, stdout=out)
    return out.getvalue()


def test_create_user_creates_a_county_staff_user(county_a):
    output = create_user(
        "zhang", "--role", "county_staff", "--county", "C01", "--password", "p4ss-w0rd"
    )
    assert "created zhang as county_staff" in output
    user = User.objects.get(username="zhang")
    assert user.check_password("p4ss-w0rd")
    assert roles_of(user) == {"county_staff"}
    assert user_county(user) == county_a
    assert not user.is_staff


def test_create_user_creates_an_auditor_with_a_level(county_a):
    create_user("li", "--role", "auditor", "--auditor-level", "1", "--county", "C01")
    user = User.objects.get(username="li")
    assert user.profile.auditor_level == 1
    assert not user.has_usable_password()  # no password given: cannot log in until set


def test_create_user_makes_city_admins_superusers():
    create_user("root2", "--role", "city_admin", "--password", "x")
    user = User.objects.get(username="root2")
    assert user.is_superuser and user.is_staff


def test_create_user_updates_an_existing_user_to_exactly_the_new_role(county_a, county_b):
    create_user("wang", "--role", "county_staff", "--county", "C01", "--password", "old-pass")
    output = create_user("wang", "--role", "auditor", "--auditor-level", "2", "--email", "w@x.cn")
    assert "updated wang as auditor" in output
    user = User.objects.get(username="wang")
    assert roles_of(user) == {"auditor"}
    assert user_county(user) is None
    assert user.profile.auditor_level == 2
    assert user.email == "w@x.cn"
    assert user.check_password("old-pass")  # not given again: kept
    assert User.objects.filter(username="wang").count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "county_staff"], "needs --county"),
        (["--role", "county_staff", "--county", "C99"], "unknown county code"),
        (["--role", "auditor"], "auditor needs --auditor-level"),
        (["--role", "auditor", "--auditor-level", "1"], "level-1 auditor needs --county"),
        (["--role", "city_staff", "--auditor-level", "2"], "only auditors"),
        (["--role", "wizard"], "invalid choice"),
    ],
)
def test_create_user_rejects_a_bad_combination(county_a, args, message):
    with pytest.raises(CommandError, match=message):
        create_user("bad", *args)
    assert not User.objects.filter(username="bad").exists()


def test_create_user_reads_the_password_from_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("from-a-pipe 123\n"))
    create_user("piped", "--role", "manager", "--password-stdin")
    assert User.objects.get(username="piped").check_password("from-a-pipe 123")


def test_create_user_refuses_an_empty_password_on_stdin(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="no password"):
        create_user("piped", "--role", "manager", "--password-stdin")
    assert not User.objects.filter(username="piped").exists()


def test_create_user_takes_either_password_option_not_both():
    with pytest.raises(CommandError):
        create_user("both", "--role", "manager", "--password", "x", "--password-stdin")


def test_create_user_keeps_a_display_name_and_phone_that_pages_show(county_a):
    output = create_user(
        "zhangwei",
        "--role",
        "county_staff",
        "--county",
        "C01",
        "--display-name",
        " 张伟 ",
        "--phone",
        "138 1234 5678",
    )
    assert "created zhangwei (张伟) as county_staff" in output
    user = User.objects.get(username="zhangwei")
    assert (user.profile.display_name, user.profile.phone) == ("张伟", "138 1234 5678")
    assert person(user) == "张伟"


def test_create_user_leaves_the_name_and_phone_unless_given_and_clears_them_when_empty(county_a):
    create_user("li", "--role", "city_staff", "--display-name", "李娜", "--phone", "0571-87654321")
    create_user("li", "--role", "manager")
    profile = Profile.objects.get(user__username="li")
    assert (profile.display_name, profile.phone) == ("李娜", "0571-87654321")
    create_user("li", "--role", "manager", "--display-name", "", "--phone", "")
    profile.refresh_from_db()
    assert (profile.display_name, profile.phone) == ("", "")
    assert person(profile.user) == "li"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--phone", "call me"], "phone: expected a phone number"),
        (["--phone", "+86 138-1234-5678-9999-0000-1"], "phone: expected a phone number"),
        (["--phone", "123"], "phone: expected a phone number"),
        (["--display-name", "张" * 101], "display_name: at most 100 characters"),
    ],
)
def test_create_user_refuses_a_bad_phone_or_display_name(args, message):
    with pytest.raises(CommandError, match=message):
        create_user("bad", "--role", "city_staff", *args)
    assert not User.objects.filter(username="bad").exists()
