"""The demo city (``manage.py seed_demo``): counties and one user per role and county."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from marketing_ops.access import Role
from marketing_ops.briefings import KINDS, briefing_send_all
from marketing_ops.models import County
from marketing_ops.services import user_create_or_update

DEMO_PASSWORD = "demo-pass-2026"

DEMO_COUNTIES = [
    ("C01", "东城区", County.Kind.DISTRICT),
    ("C02", "西城区", County.Kind.DISTRICT),
    ("C03", "临河县", County.Kind.COUNTY),
    ("C04", "山阳县", County.Kind.COUNTY),
    ("C05", "北岭县", County.Kind.COUNTY),
    ("C06", "南水县", County.Kind.COUNTY),
    ("C07", "桥头县", County.Kind.COUNTY),
    ("C08", "河西县", County.Kind.COUNTY),
]

CITY_USERS = [
    ("admin", Role.CITY_ADMIN, None, "系统管理员"),
    ("city", Role.CITY_STAFF, None, "市公司市场部"),
    ("leader", Role.MANAGER, None, "公司领导"),
    ("auditor2", Role.AUDITOR, 2, "市支撑中心稽核员（2级）"),
    ("auditor3", Role.AUDITOR, 3, "市公司市场部稽核员（3级）"),
]

#: The names pages show for the demo users (``Profile.display_name``), in the order the users
#: are made: the city's first, then each county's staff, auditor and head.
DEMO_NAMES = [
    "王建国",
    "张伟",
    "刘芳",
    "陈静",
    "杨洋",
    "赵磊",
    "黄敏",
    "周杰",
    "吴婷",
    "徐强",
    "孙丽",
    "马超",
    "朱琳",
    "胡斌",
    "郭颖",
    "何涛",
    "高峰",
    "林慧",
    "罗军",
    "郑洁",
    "梁宇",
    "谢娟",
    "宋鹏",
    "唐雪",
    "韩冰",
    "冯刚",
    "邓欣",
    "曹阳",
    "彭敏",
]


def demo_phone(index: int) -> str:
    """A made-up mobile number for the ``index``-th demo user: 13800000001, 13800000002 …"""
    return f"138{index:08d}"


def seed_counties() -> list[County]:
    for order, (code, name, kind) in enumerate(DEMO_COUNTIES, start=1):
        County.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "sort_order": order, "active": True}
        )
    return list(County.objects.filter(code__in=[c[0] for c in DEMO_COUNTIES]))


def seed_users(counties: list[County]) -> list[dict[str, Any]]:
    """One user per role (and per county for county roles), all with the demo password, each
    with a Chinese display name and a phone."""
    rows: list[dict[str, Any]] = []

    def add(username: str, role: str, county: County | None, level: int | None, what: str):
        index = len(rows)
        name = DEMO_NAMES[index % len(DEMO_NAMES)]
        user_create_or_update(
            username=username,
            role=role,
            county_code=county.code if county else None,
            auditor_level=level,
            email=f"{username}@example.com",
            display_name=name,
            phone=demo_phone(index + 1),
        )
        rows.append(
            {
                "username": username,
                "name": name,
                "role": role,
                "county": county.code if county else "",
                "what": what,
            }
        )

    for username, role, level, what in CITY_USERS:
        add(username, role, None, level, what)
    for county in counties:
        prefix = county.code.lower()
        add(f"{prefix}_staff", Role.COUNTY_STAFF, county, None, f"{county.name}市场营销人员")
        add(f"{prefix}_auditor", Role.AUDITOR, county, 1, f"{county.name}一级稽核员")
        add(f"{prefix}_head", Role.MANAGER, county, None, f"{county.name}负责人")
    # The password is hashed once for all demo users: PBKDF2 per user made seeding take minutes.
    get_user_model().objects.filter(username__in=[row["username"] for row in rows]).update(
        password=make_password(DEMO_PASSWORD)
    )
    return rows


def seed(stdout: Any, today: Any) -> dict[str, Any]:
    counties = seed_counties()
    users = seed_users(counties)
    stdout.write(f"  organisation: {len(counties)} counties, {len(users)} users")
    return {"counties": counties, "users": users}


#: The demo's briefings are archived, not mailed: its addresses are example.com.
DEMO_MAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"


def seed_briefings(stdout: Any, today: Any) -> int:
    """The last daily, weekly and monthly briefings of the city and each county in the
    archive, as the scheduled runs would have left them; once all apps have their data. A
    second run sends nothing (one briefing per kind × period × scope)."""
    sent = 0
    for kind in KINDS:
        results = briefing_send_all(kind, today=today, mail_backend=DEMO_MAIL_BACKEND)
        sent += sum(result.sent for result in results)
    stdout.write(f"  briefings: {sent} archived (the last daily, weekly and monthly)")
    return sent
