"""Demo activities (called by revenue/demo.py): packages, trainings, cases, visits.

Safe to run twice: every record is found by a natural key that does not depend on the day
(name, topic, county and title) and updated in place; dates are set relative to ``today`` so
the demo always has a recent visit and exactly one overdue follow-up in C01.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model

from marketing_ops.models import County
from revenue.models import (
    CaseTag,
    FieldVisit,
    FollowUpAction,
    MarketingCase,
    TariffPackage,
    Training,
)


def _demo_year(today: dt.date) -> int:
    """The year whose March package and May training are already in the past."""
    return today.year if today >= dt.date(today.year, 6, 1) else today.year - 1


def _seed_packages(year: int, counties: dict[str, County], city: Any) -> int:
    packages = [
        (
            f"{year}年3月融合月租套餐（300M宽带+固话）",
            "99.00",
            "3月向省公司申报的月租套餐：300M宽带，固话含500分钟本地通话，签约12个月免收安装费。",
            dt.date(year, 3, 3),
            dt.date(year, 3, 24),
            TariffPackage.Status.APPROVED,
            ["C01", "C02", "C03", "C05", "C07"],
        ),
        (
            f"{year}年校园宽带套餐",
            "39.00",
            "高校宿舍学期宽带，按学期缴费。",
            dt.date(year, 7, 8),
            None,
            TariffPackage.Status.APPLIED,
            ["C02", "C04"],
        ),
        (
            f"{year}年产业园区专线套餐",
            "880.00",
            "面向产业园区小微企业的100M专线，含固定IP地址。",
            dt.date(year, 4, 11),
            None,
            TariffPackage.Status.REJECTED,
            ["C01"],
        ),
        (
            f"{year}年农村家庭套餐",
            "59.00",
            "农村家庭宽带加两部固话；为明年起草。",
            None,
            None,
            TariffPackage.Status.DRAFT,
            ["C06", "C07", "C08"],
        ),
    ]
    for name, fee, description, applied_on, approved_on, status, codes in packages:
        package, _ = TariffPackage.objects.update_or_create(
            name=name,
            defaults={
                "monthly_fee": Decimal(fee),
                "description": description,
                "applied_on": applied_on,
                "approved_on": approved_on,
                "status": status,
                "created_by": city,
            },
        )
        package.counties.set([counties[code] for code in codes if code in counties])
    return len(packages)


def _seed_trainings(year: int, counties: dict[str, County], city: Any) -> int:
    every_county = list(counties)
    trainings = [
        (
            dt.date(year, 1, 16),
            Training.Kind.MEETING,
            f"{year}年市场营销工作会议：计划分解与一季度攻坚",
            every_county,
            38,
            "各县公司营销负责人及业务人员。",
            "目标分解到各县公司；一季度营销活动日程已商定。",
        ),
        (
            dt.date(year, 5, 21),
            Training.Kind.PROVINCIAL_TRAINING,
            "省公司培训：宽带保有与续约",
            ["C01", "C03", "C05"],
            12,
            "",
            "维系话术与续约提醒时间表；课件已发到工作群。",
        ),
        (
            dt.date(year, 9, 10),
            Training.Kind.TRAINING,
            "欠费跟进与催缴专题培训",
            ["C02", "C04", "C06", "C08"],
            24,
            "",
            "如何看账龄报表、如何登记催缴动作。",
        ),
    ]
    for date, kind, topic, codes, attendees, names, notes in trainings:
        training, _ = Training.objects.update_or_create(
            kind=kind,
            topic=topic,
            defaults={
                "date": date,
                "attendees": attendees,
                "attendee_names": names,
                "notes": notes,
                "created_by": city,
            },
        )
        training.counties.set([counties[code] for code in codes if code in counties])
    return len(trainings)


def _seed_cases(counties: dict[str, County], users: dict[str, Any]) -> int:
    cases = [
        (
            "C01",
            "老旧小区上门续约",
            "对本季度宽带合约到期的各楼栋逐户上门，携带3月套餐对比单，现场办理续约。",
            "两个月内这些楼栋的续约率由71%提升到88%。",
            320,
            "86400.00",
            "续约, 宽带, 社区",
        ),
        (
            "C03",
            "开学季：首周宿舍摆摊",
            "报到周在三栋宿舍楼设点，当天装机。",
            "新增学生用户540户；校园收入比去年增加¥129,600。",
            540,
            "129600.00",
            "校园, 套餐, 新增用户",
        ),
        (
            "C05",
            "村级代理点发展固话",
            "14个村的小卖部店主担任代理，收单并领取少量佣金。",
            "一个季度新增固话210部，每部成本¥18。",
            210,
            "25200.00",
            "农村, 代理, 固话",
        ),
        (
            "C02",
            "产业园区专线拓展",
            "与园区管委会联合走访；园区共用光纤签一份合同，再逐家企业开通专线。",
            "一个月内签约专线12条。",
            12,
            "105600.00",
            "中小企业, 专线",
        ),
    ]
    for code, title, done, result, households, gain, tags in cases:
        if code not in counties:
            continue
        case, _ = MarketingCase.objects.update_or_create(
            county=counties[code],
            title=title,
            defaults={
                "what_was_done": done,
                "result": result,
                "new_households": households,
                "revenue_gain": Decimal(gain),
                "created_by": users.get(f"{code.lower()}_staff"),
            },
        )
        names = [name.strip() for name in tags.split(",")]
        case.tags.set([CaseTag.objects.get_or_create(name=name)[0] for name in names])
    return len(cases)


def _seed_visits(today: dt.date, counties: dict[str, County], users: dict[str, Any]) -> int:
    day = dt.timedelta(days=1)
    #: (county, kind, date, participants, findings, [(action, owner, due in days, done in days)])
    visits: list[tuple[str, str, dt.date, str, str, list[tuple[str, str, int, int | None]]]] = [
        (
            "C01",
            FieldVisit.Kind.FIELD_VISIT,
            today - 40 * day,
            "市公司市场部（2人），东城区营业人员（3人）",
            "两个新建小区尚未通光纤，居民在用竞争对手的移动热点；小区物业愿意联合推广。",
            [
                # The overdue one: due ten days ago, not done.
                ("与网络部商定光纤建设日期", "c01_staff", -10, None),
                ("将推广方案发给小区物业", "city", -30, -28),
            ],
        ),
        (
            "C04",
            FieldVisit.Kind.MARKET_RESEARCH,
            today - 20 * day,
            "市公司市场部（1人），山阳县营销人员（2人）",
            "山阳县城中心：调研商铺60家，三分之一希望有更便宜的专线。",
            [("测算小商铺专线资费方案", "c04_staff", 10, None)],
        ),
        (
            "C06",
            FieldVisit.Kind.FIELD_VISIT,
            today - 6 * day,
            "南水县公司负责人，南水县营业人员（2人）",
            "村级代理试点：代理点需要纸质价目表和每周上门收单。",
            [
                ("为代理点印制价目表", "c06_staff", 7, None),
                ("规划每周收单路线", "c06_staff", 21, None),
            ],
        ),
    ]
    for code, kind, date, participants, findings, actions in visits:
        if code not in counties:
            continue
        visit, _ = FieldVisit.objects.update_or_create(
            county=counties[code],
            kind=kind,
            findings=findings,
            defaults={
                "date": date,
                "participants": participants,
                "created_by": users.get("city"),
            },
        )
        for description, owner, due_in, done_in in actions:
            if owner not in users:
                continue
            FollowUpAction.objects.update_or_create(
                visit=visit,
                description=description,
                defaults={
                    "owner": users[owner],
                    "due_on": today + due_in * day,
                    "done": done_in is not None,
                    "done_on": None if done_in is None else today + done_in * day,
                },
            )
    return len(visits)


def seed(stdout: Any, today: dt.date) -> dict:
    counties = {county.code: county for county in County.objects.all()}
    usernames = ["city"] + [f"{code.lower()}_staff" for code in counties]
    users = {
        user.username: user for user in get_user_model().objects.filter(username__in=usernames)
    }
    year = _demo_year(today)
    packages = _seed_packages(year, counties, users.get("city"))
    trainings = _seed_trainings(year, counties, users.get("city"))
    cases = _seed_cases(counties, users)
    visits = _seed_visits(today, counties, users)
    stdout.write(
        f"  activities: {packages} tariff packages, {trainings} trainings and meetings, "
        f"{cases} marketing cases, {visits} field visits with follow-ups"
    )
    return {}
