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
            f"{year} March monthly package (300M broadband + fixed phone)",
            "99.00",
            "Monthly package applied to the province in March: 300M broadband, a fixed line "
            "with 500 local minutes, installation free with a 12-month term.",
            dt.date(year, 3, 3),
            dt.date(year, 3, 24),
            TariffPackage.Status.APPROVED,
            ["C01", "C02", "C03", "C05", "C07"],
        ),
        (
            f"{year} campus broadband package",
            "39.00",
            "Semester broadband for college dormitories, paid per semester.",
            dt.date(year, 7, 8),
            None,
            TariffPackage.Status.APPLIED,
            ["C02", "C04"],
        ),
        (
            f"{year} business park dedicated line package",
            "880.00",
            "100M dedicated line with a fixed IP for small firms in business parks.",
            dt.date(year, 4, 11),
            None,
            TariffPackage.Status.REJECTED,
            ["C01"],
        ),
        (
            f"{year} rural family package",
            "59.00",
            "Broadband and two fixed phones for village households; drafted for next year.",
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
            f"{year} marketing work meeting: plan decomposition and first-quarter push",
            every_county,
            38,
            "Marketing heads and business staff of every county.",
            "Targets handed out per county; first-quarter campaign calendar agreed.",
        ),
        (
            dt.date(year, 5, 21),
            Training.Kind.PROVINCIAL_TRAINING,
            "Provincial training: broadband retention and renewal",
            ["C01", "C03", "C05"],
            12,
            "",
            "Retention scripts and the renewal reminder schedule; slides shared in the group.",
        ),
        (
            dt.date(year, 9, 10),
            Training.Kind.TRAINING,
            "Arrears follow-up and collection workshop",
            ["C02", "C04", "C06", "C08"],
            24,
            "",
            "How to read the ageing report and log collection actions.",
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
            "Door-to-door renewal in old residential blocks",
            "Staff visited every block whose broadband contracts end this quarter, with the "
            "March package on a printed comparison sheet and on-the-spot renewal.",
            "Renewal rate in the blocks rose from 71% to 88% in two months.",
            320,
            "86400.00",
            "renewal, broadband, community",
        ),
        (
            "C03",
            "Campus season: dormitory stands in the first week",
            "Stands in three dormitories during registration week; installation the same day.",
            "540 new student households; campus revenue up ¥129,600 on last year.",
            540,
            "129600.00",
            "campus, package, new households",
        ),
        (
            "C05",
            "Village agents sell fixed phones",
            "Shop owners in 14 villages act as agents and take orders for a small commission.",
            "210 new fixed phones in a quarter, at a cost of ¥18 each.",
            210,
            "25200.00",
            "rural, agents, fixed phone",
        ),
        (
            "C02",
            "Dedicated lines for a business park",
            "Joint visit with the park management; one contract for the shared fibre, "
            "then one line per firm.",
            "12 dedicated lines signed in a month.",
            12,
            "105600.00",
            "sme, dedicated line",
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
            "City marketing department (2), C01 business staff (3)",
            "Two new residential compounds have no fibre yet; residents use a competitor's "
            "mobile hotspots. The compound managers are open to a joint promotion.",
            [
                # The overdue one: due ten days ago, not done.
                ("Agree fibre build dates with the network department", "c01_staff", -10, None),
                ("Send the promotion proposal to the compound managers", "city", -30, -28),
            ],
        ),
        (
            "C04",
            FieldVisit.Kind.MARKET_RESEARCH,
            today - 20 * day,
            "City marketing department (1), C04 marketing staff (2)",
            "Shanyang town centre: 60 shops surveyed; a third want a cheaper dedicated line.",
            [("Price a small-shop dedicated line option", "c04_staff", 10, None)],
        ),
        (
            "C06",
            FieldVisit.Kind.FIELD_VISIT,
            today - 6 * day,
            "C06 head, C06 business staff (2)",
            "Village agent pilot: agents need printed price lists and a weekly pick-up.",
            [
                ("Print price lists for the agents", "c06_staff", 7, None),
                ("Set a weekly order pick-up route", "c06_staff", 21, None),
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
