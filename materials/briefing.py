"""Materials in the emailed briefings (docs/rules.md, docs/materials.md#the-monthly-briefing): the
monthly briefing's section — the closed loop's differences per county (open, explained,
accepted), the recycling rate, installs without a deposit, and the random checks. A county's
briefing is read with the scope of that county's head, so it holds that county only. A fixed
number of queries."""

from __future__ import annotations

from django.utils.translation import gettext as _

from marketing_ops import formatting
from marketing_ops.access import briefing_reader
from marketing_ops.briefings import BriefingPeriod, Section
from marketing_ops.formatting import count, percent
from marketing_ops.models import County
from marketing_ops.xlsx import Kind, Sheet
from materials.selectors import loop, random_checks

ORDER = 60


def sections(period: BriefingPeriod, county: County | None) -> list[Section]:
    if period.kind != "monthly":
        return []
    return [monthly_section(period, county)]


def monthly_section(period: BriefingPeriod, county: County | None) -> Section:
    reader = briefing_reader(county)
    month = period.month
    loop_rows = loop.loop_summary(reader, month)
    recycling = loop.recycling(reader, month)
    recycling_total = loop.recycling_total(recycling)
    deposits = loop.deposits_missing_per_county(reader, month)
    checks = {row.county_id: row for row in random_checks.summary(reader, month)}
    gaps = sum(row.gaps for row in loop_rows)
    not_accepted = sum(row.open + row.explained for row in loop_rows)
    checked = sum(row.checked for row in checks.values())
    sampled = sum(row.sampled for row in checks.values())
    found = sum(row.found for row in checks.values())
    lines = [
        _(
            "Closed loop %(month)s: %(gaps)s days with a difference between terminals and the "
            "installs or dismantles reported; %(open)s not accepted yet (%(unexplained)s not "
            "explained)."
        )
        % {
            "month": formatting.month(month),
            "gaps": count(gaps),
            "open": count(not_accepted),
            "unexplained": count(sum(row.open for row in loop_rows)),
        },
        _("Recycling rate: %(rate)s (%(recycled)s of %(installs)s installs with a terminal).")
        % {
            "rate": percent(recycling_total.recycling_rate),
            "recycled": count(recycling_total.with_recycled),
            "installs": count(recycling_total.installs),
        },
        _("Installs without a deposit: %(n)s.") % {"n": count(sum(deposits.values()))},
        _(
            "Random checks: %(checked)s of %(sampled)s serials checked, %(found)s found where "
            "the ledger places them."
        )
        % {"checked": count(checked), "sampled": count(sampled), "found": count(found)}
        if sampled
        else _("Random checks: no sample was drawn for %(month)s.")
        % {
            "month": formatting.month(month),
        },
    ]
    recycling_by_county = {row.county_id: row for row in recycling}
    headers = [
        _("County"),
        _("Loop differences"),
        _("Not explained"),
        _("Explained"),
        _("Accepted"),
        _("Installs with a terminal"),
        _("With a recycled terminal"),
        _("Recycling rate"),
        _("Installs without a deposit"),
        _("Random check: sampled"),
        _("Found"),
        _("Not found"),
        _("Wrong place"),
    ]
    rows: list[list[object]] = []
    for row in loop_rows:
        assert row.county is not None
        pk = row.county.pk
        rec = recycling_by_county.get(pk)
        check = checks.get(pk)
        rows.append(
            [
                f"{row.county.code} {row.county.name}",
                row.gaps,
                row.open,
                row.explained,
                row.accepted,
                rec.installs if rec else 0,
                rec.with_recycled if rec else 0,
                rec.recycling_rate if rec else None,
                deposits.get(pk, 0),
                check.sampled if check else 0,
                check.found if check else 0,
                check.not_found if check else 0,
                check.wrong_place if check else 0,
            ]
        )
    return Section(
        _("Materials"),
        lines=lines,
        tables=[
            Sheet(
                _("Materials %(month)s")
                % {
                    "month": formatting.month(month),
                },
                headers,
                rows,
                kinds=[Kind.TEXT, *([Kind.COUNT] * 6), Kind.RATE, *([Kind.COUNT] * 5)],
            )
        ],
        order=ORDER,
    )
