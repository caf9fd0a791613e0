"""Audits in the emailed briefings (docs/rules.md#briefings).

Daily: the verification items the rules created on the day, counted per county and rule; the
audits that became overdue on the day (due that day, neither passed nor failed), all audits
overdue and the findings past their due date and not verified, counted per county and listed.
Weekly: one line with the overdue audits and the findings past due, and the weekly audit notice
of the week (marked draft until published). Monthly: the audits due in the month per county
(passed on time against due, the pass rate, passed late, failed, overdue) and the open
findings; then the month's cash-flow reconciliations, ranked by |difference| ÷ receivable, with
their sign-off state. A county's briefing is read with the scope of that county's head, so it
holds that county only. Each section runs a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from audits.models import Audit, Finding, VerificationItem
from audits.selectors import cashflow as cashflow_reads
from audits.selectors import notices
from audits.selectors.audits import OPEN_STATUSES
from marketing_ops import formatting
from marketing_ops.access import AnyUser, briefing_reader
from marketing_ops.briefings import BriefingPeriod, Section
from marketing_ops.formatting import count, money, percent, person
from marketing_ops.models import County
from marketing_ops.xlsx import Kind, Sheet

ORDER = 40
#: Overdue audits and findings past due listed by name; the counts always cover all of them.
LISTED = 50
RATE = Decimal("0.0001")


def sections(period: BriefingPeriod, county: County | None) -> list[Section]:
    if period.kind == "daily":
        daily = daily_section(period, county)
        return [daily] if daily else []
    if period.kind == "weekly":
        return [weekly_section(period, county)]
    if period.kind == "monthly":
        return [monthly_section(period, county), cashflow_section(period, county)]
    return []


def _counties(reader: AnyUser) -> list[County]:
    return list(
        County.objects.visible_to(reader).filter(active=True).order_by("sort_order", "code")
    )


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The start of ``day`` and of the next day in ``TIME_ZONE``, as aware datetimes."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def new_item_counts(reader: AnyUser, day: dt.date) -> dict[tuple[int, str], int]:
    """The verification items the rules created on ``day`` (``TIME_ZONE``), by (county id, rule).
    Counted by creation, not business date: an item imported late still shows once, the
    morning after its import. One query."""
    start, end = _day_bounds(day)
    rows = (
        VerificationItem.objects.visible_to(reader)
        .filter(created_at__gte=start, created_at__lt=end)
        .values("county_id", "rule")
        .order_by()
        .annotate(n=Count("pk"))
    )
    return {(row["county_id"], row["rule"]): int(row["n"]) for row in rows}


def _new_items_part(
    counties: list[County], counts: dict[tuple[int, str], int], day: dt.date
) -> tuple[list[str], Sheet]:
    """The lines and the county × rule grid of the day's new verification items."""
    rules = list(VerificationItem.Rule)
    by_rule = {rule.value: 0 for rule in rules}
    for (_county_id, rule), n in counts.items():
        by_rule[rule] = by_rule.get(rule, 0) + n
    total = sum(by_rule.values())
    lines = [
        _("New verification items on %(day)s: %(n)s (%(rules)s).")
        % {
            "day": formatting.date(day),
            "n": count(total),
            "rules": ", ".join(f"{rule} {count(n)}" for rule, n in by_rule.items()),
        }
    ]
    headers: list[str] = [_("County"), *[rule.value for rule in rules], _("Total")]
    grid: list[list[object]] = []
    per_county = []
    for row in counties:
        cells = [counts.get((row.pk, rule.value), 0) for rule in rules]
        grid.append([f"{row.code} {row.name}", *cells, sum(cells)])
        if sum(cells) and len(counties) > 1:
            per_county.append(
                _("%(county)s %(n)s (%(rules)s)")
                % {
                    "county": row.name,
                    "n": count(sum(cells)),
                    "rules": ", ".join(
                        f"{rule.value} {count(n)}"
                        for rule, n in zip(rules, cells, strict=True)
                        if n
                    ),
                }
            )
    if len(counties) > 1:
        grid.append([_("Total"), *by_rule.values(), total])
        if per_county:
            lines.append(_("New items by county: %(list)s.") % {"list": "; ".join(per_county)})
    # A workbook sheet's name holds 31 characters.
    title = _("Verification items %(day)s") % {"day": formatting.date(day)}
    return lines, Sheet(title, headers, grid)


def _overdue_audits(reader: AnyUser, day: dt.date) -> QuerySet[Audit]:
    """Audits neither passed nor failed whose due date had passed by the end of ``day``."""
    return Audit.objects.visible_to(reader).filter(status__in=OPEN_STATUSES, due_on__lte=day)


def _findings_past_due(reader: AnyUser, day: dt.date) -> QuerySet[Finding]:
    """Findings not verified whose due date had passed by the end of ``day``."""
    return (
        Finding.objects.visible_to(reader)
        .filter(due_on__lte=day)
        .exclude(status=Finding.Status.VERIFIED)
    )


def daily_section(period: BriefingPeriod, county: County | None) -> Section | None:
    """Audit work as of the morning after the day: None when there is none."""
    reader = briefing_reader(county)
    day = period.end
    counties = _counties(reader)
    new_items = new_item_counts(reader, day)
    audits = list(
        _overdue_audits(reader, day)
        .select_related("county")
        .order_by("due_on", "county__sort_order", "county__code", "cadence")
    )
    findings = list(
        _findings_past_due(reader, day)
        .select_related("county", "owner__profile", "audit")
        .order_by("due_on", "county__sort_order", "county__code", "pk")
    )
    if not audits and not findings and not new_items:
        return None
    new = [audit for audit in audits if audit.due_on == day]
    lines: list[str] = []
    tables: list[Sheet] = []
    if new_items:
        item_lines, item_sheet = _new_items_part(counties, new_items, day)
        lines.extend(item_lines)
        tables.append(item_sheet)
    lines += [
        _("Audits that became overdue on %(day)s: %(new)s; overdue in all: %(all)s.")
        % {"day": formatting.date(day), "new": count(len(new)), "all": count(len(audits))},
        _("Findings past their due date and not verified: %(n)s.") % {"n": count(len(findings))},
    ]
    if len(counties) > 1:
        per_county = []
        for row in counties:
            n_audits = sum(1 for a in audits if a.county_id == row.pk)
            n_new = sum(1 for a in audits if a.county_id == row.pk and a.due_on == day)
            n_findings = sum(1 for f in findings if f.county_id == row.pk)
            if n_audits or n_findings:
                per_county.append(
                    _("%(county)s %(audits)s overdue (%(new)s new), %(findings)s past due")
                    % {
                        "county": row.name,
                        "audits": count(n_audits),
                        "new": count(n_new),
                        "findings": count(n_findings),
                    }
                )
        if per_county:
            lines.append(_("By county: %(list)s.") % {"list": "; ".join(per_county)})
    if audits:
        tables.append(_audit_sheet(audits[:LISTED], day, len(audits)))
    if findings:
        tables.append(_finding_sheet(findings[:LISTED], day, len(findings)))
    return Section(_("Audits"), lines=lines, tables=tables, order=ORDER)


def _listed_title(title: str, shown: int, total: int) -> str:
    if total > shown:
        return _("%(title)s (the %(shown)s oldest of %(total)s)") % {
            "title": title,
            "shown": shown,
            "total": count(total),
        }
    return title


def _audit_sheet(audits: list[Audit], day: dt.date, total: int) -> Sheet:
    headers = [_("County"), _("Cadence"), _("Period"), _("Due on"), _("Status"), _("Days overdue")]
    rows: list[list[object]] = [
        [
            f"{a.county.code} {a.county.name}",
            a.get_cadence_display(),
            formatting.period(a.period),
            a.due_on,
            a.get_status_display(),
            (day - a.due_on).days + 1,
        ]
        for a in audits
    ]
    return Sheet(_listed_title(_("Audits overdue"), len(audits), total), headers, rows)


def _finding_sheet(findings: list[Finding], day: dt.date, total: int) -> Sheet:
    headers = [
        _("County"),
        _("Finding"),
        _("Category"),
        _("Severity"),
        _("Owner"),
        _("Due on"),
        _("Status"),
        _("Days past due"),
    ]
    rows: list[list[object]] = [
        [
            f"{f.county.code} {f.county.name}",
            f"#{f.pk} {f.description[:80]}",
            f.get_category_display(),
            f.get_severity_display(),
            person(f.owner) if f.owner else "",
            f.due_on,
            f.get_status_display(),
            (day - f.due_on).days + 1,
        ]
        for f in findings
    ]
    return Sheet(_listed_title(_("Findings past due"), len(findings), total), headers, rows)


def weekly_section(period: BriefingPeriod, county: County | None) -> Section:
    reader = briefing_reader(county)
    audits = _overdue_audits(reader, period.end).count()
    findings = _findings_past_due(reader, period.end).count()
    line = _(
        "At the end of the week: %(audits)s audits overdue, %(findings)s findings past their "
        "due date and not verified."
    ) % {"audits": count(audits), "findings": count(findings)}
    notice_lines, notice_tables = notice_part(period, county)
    return Section(_("Audits"), lines=[line, *notice_lines], tables=notice_tables, order=ORDER)


def notice_part(period: BriefingPeriod, county: County | None) -> tuple[list[str], list[Sheet]]:
    """The weekly audit notice of the week (docs/rules.md#weekly-audit-notice): criticism and
    commendation, marked draft until published. The city's briefing carries the draft; a
    county's carries the notice once published (as its head sees it on the pages), and only
    that county's part of it. One query."""
    notice = notices.notice_of_week(briefing_reader(county), period.label)
    if notice is None:
        missing = (
            _("The audit notice of %(week)s is not drafted yet.")
            if county is None
            else _("The audit notice of %(week)s is not published yet.")
        )
        return [missing % {"week": formatting.period(period.label)}], []
    view = notices.notice_view(notice, county.code if county else None)
    if notice.published and notice.published_at:
        state = _("published %(day)s") % {
            "day": formatting.date(timezone.localdate(notice.published_at))
        }
    else:
        state = _("draft, not published yet")
    lines = [
        _("Audit notice %(week)s (%(state)s):")
        % {"week": formatting.period(notice.week), "state": state}
    ]
    if county is not None:
        if view.criticism:
            lines.append(
                _("Criticism of %(county)s: %(reasons)s.")
                % {"county": county.name, "reasons": ", ".join(view.criticism[0].reasons)}
            )
        elif view.commendation:
            lines.append(_("Commendation: %(county)s.") % {"county": county.name})
        else:
            lines.append(
                _("%(county)s is neither criticised nor commended.") % {"county": county.name}
            )
    else:
        criticised = "; ".join(f"{row.name} ({', '.join(row.reasons)})" for row in view.criticism)
        commended = ", ".join(row.name for row in view.commendation)
        lines.append(_("Criticism: %(list)s.") % {"list": criticised or _("none")})
        lines.append(_("Commendation: %(list)s.") % {"list": commended or _("none")})
    if notice.remarks:
        lines.append(_("Remarks of the city: %(remarks)s") % {"remarks": notice.remarks})
    title = _("Audit notice %(week)s (%(state)s)") % {
        "week": formatting.period(notice.week),
        "state": notice.get_status_display().lower(),
    }
    headers = [_("County"), _("Name"), _("Notice"), _("Reasons")]
    rows: list[list[object]] = [
        [row.code, row.name, _("Criticism"), "; ".join(row.reasons)] for row in view.criticism
    ]
    rows += [[row.code, row.name, _("Commendation"), ""] for row in view.commendation]
    return lines, [Sheet(title, headers, rows)]


@dataclass(frozen=True)
class MonthRow:
    county: County | None
    due: int
    on_time: int
    late: int
    failed: int
    overdue: int
    open_findings: int
    findings_past_due: int

    @property
    def pass_rate(self) -> Decimal | None:
        """Passed on time against due, as a 4-place fraction."""
        if not self.due:
            return None
        return (Decimal(self.on_time) / Decimal(self.due)).quantize(RATE, ROUND_HALF_UP)


def month_rows(reader: AnyUser, period: BriefingPeriod) -> tuple[list[MonthRow], MonthRow]:
    """Per county and in total, the audits due in the month and the findings open at its end.
    Three queries whatever the counties."""
    counties = _counties(reader)
    passed = Q(status=Audit.Status.PASSED)
    audit_counts = {
        row["county_id"]: row
        for row in Audit.objects.visible_to(reader)
        .filter(due_on__gte=period.start, due_on__lte=period.end)
        .values("county_id")
        .order_by()
        .annotate(
            due=Count("pk"),
            on_time=Count("pk", filter=passed & Q(late=False)),
            late=Count("pk", filter=passed & Q(late=True)),
            failed=Count("pk", filter=Q(status=Audit.Status.FAILED)),
            overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        )
    }
    finding_counts = {
        row["county_id"]: row
        for row in Finding.objects.visible_to(reader)
        .exclude(status=Finding.Status.VERIFIED)
        .values("county_id")
        .order_by()
        .annotate(open=Count("pk"), past_due=Count("pk", filter=Q(due_on__lte=period.end)))
    }
    rows = []
    for county in counties:
        audits = audit_counts.get(county.pk, {})
        findings = finding_counts.get(county.pk, {})
        rows.append(
            MonthRow(
                county,
                due=int(audits.get("due", 0)),
                on_time=int(audits.get("on_time", 0)),
                late=int(audits.get("late", 0)),
                failed=int(audits.get("failed", 0)),
                overdue=int(audits.get("overdue", 0)),
                open_findings=int(findings.get("open", 0)),
                findings_past_due=int(findings.get("past_due", 0)),
            )
        )
    total = MonthRow(
        None,
        due=sum(row.due for row in rows),
        on_time=sum(row.on_time for row in rows),
        late=sum(row.late for row in rows),
        failed=sum(row.failed for row in rows),
        overdue=sum(row.overdue for row in rows),
        open_findings=sum(row.open_findings for row in rows),
        findings_past_due=sum(row.findings_past_due for row in rows),
    )
    return rows, total


def monthly_section(period: BriefingPeriod, county: County | None) -> Section:
    reader = briefing_reader(county)
    rows, total = month_rows(reader, period)
    scope = county.name if county else _("The city")
    lines = [
        _(
            "%(scope)s: %(due)s audits due in %(month)s, %(on_time)s passed on time "
            "(pass rate %(rate)s), %(late)s passed late, %(failed)s failed, %(overdue)s overdue."
        )
        % {
            "scope": scope,
            "due": count(total.due),
            "month": formatting.month(period.month),
            "on_time": count(total.on_time),
            "rate": percent(total.pass_rate),
            "late": count(total.late),
            "failed": count(total.failed),
            "overdue": count(total.overdue),
        },
        _("Findings open: %(open)s, of which past their due date: %(past)s.")
        % {"open": count(total.open_findings), "past": count(total.findings_past_due)},
    ]
    if len(rows) > 1:
        behind = [
            f"{row.county.name} ({percent(row.pass_rate)})"
            for row in rows
            if row.county and row.due and row.on_time < row.due
        ]
        if behind:
            lines.append(
                _("Not every audit passed on time: %(list)s.") % {"list": ", ".join(behind)}
            )
    headers = [
        _("County"),
        _("Name"),
        _("Due"),
        _("Passed on time"),
        _("Pass rate"),
        _("Passed late"),
        pgettext("audit result", "Failed"),
        _("Overdue"),
        _("Findings open"),
        _("Findings past due"),
    ]
    table: list[list[object]] = [
        [
            row.county.code if row.county else "",
            row.county.name if row.county else _("%(scope)s total") % {"scope": scope},
            row.due,
            row.on_time,
            row.pass_rate,
            row.late,
            row.failed,
            row.overdue,
            row.open_findings,
            row.findings_past_due,
        ]
        for row in [*rows, total]
    ]
    sheet = Sheet(
        _("Audits %(month)s") % {"month": formatting.month(period.month)},
        headers,
        table,
        kinds=[Kind.TEXT, Kind.TEXT, *[Kind.COUNT] * 2, Kind.RATE, *[Kind.COUNT] * 5],
    )
    return Section(_("Audits"), lines=lines, tables=[sheet], order=ORDER)


CASHFLOW_ORDER = ORDER + 1


def _signoff_state(row: cashflow_reads.RankingRow) -> str:
    """Where a reconciliation's sign-off stands, in words: "not entered", "signed L1 → L2",
    "failed at level 2: <note>"."""
    rec = row.reconciliation
    if rec is None:
        return _("not entered")
    failed = [s for s in rec.live_signoffs if s.result == "failed"]  # type: ignore[attr-defined]
    if failed:
        return _("failed at level %(level)d: %(note)s") % {
            "level": failed[0].level,
            "note": failed[0].note,
        }
    if not row.signed_levels:
        return _("waiting for level 1")
    signed = " → ".join(_("L%(level)s") % {"level": level} for level in row.signed_levels)
    if rec.status == Audit.Status.PASSED:
        return _("signed off (%(levels)s)") % {"levels": signed}
    return _("signed %(levels)s, waiting for level %(next)d") % {
        "levels": signed,
        "next": row.signed_levels[-1] + 1,
    }


def cashflow_section(period: BriefingPeriod, county: County | None) -> Section:
    """The month's cash-flow differences per county, ranked by |difference| ÷ receivable, with
    each one's sign-off state (three queries)."""
    reader = briefing_reader(county)
    month = period.month
    ranking = cashflow_reads.ranking(reader, month)
    entered = [row for row in ranking.rows if row.entered]
    missing = [row.county.name for row in ranking.rows if not row.entered]
    lines = [
        _(
            "Cash flow %(month)s: %(entered)s of %(total)s counties entered, %(passed)s signed "
            "off at every level."
        )
        % {
            "month": formatting.month(month),
            "entered": count(len(entered)),
            "total": count(len(ranking.rows)),
            "passed": count(ranking.passed),
        }
    ]
    differing = [row for row in entered if row.difference]
    if differing:
        lines.append(
            _("Differences, largest share of the receivable first: %(list)s.")
            % {
                "list": "; ".join(
                    f"{row.county.name} {money(row.difference)} ({percent(row.relative)}, "
                    f"{_signoff_state(row)})"
                    for row in differing
                )
            }
        )
    elif entered:
        lines.append(_("No county has a difference."))
    if missing:
        lines.append(_("Not entered: %(list)s.") % {"list": ", ".join(missing)})
    headers = [
        _("Rank"),
        _("County"),
        _("Name"),
        _("Receivable"),
        _("Received"),
        _("Difference"),
        _("|Difference| ÷ receivable"),
        _("Status"),
        _("Sign-off"),
        _("Explanation"),
    ]
    rows: list[list[object]] = [
        [
            row.rank or "",
            row.county.code,
            row.county.name,
            row.reconciliation.receivable if row.reconciliation else None,
            row.reconciliation.received if row.reconciliation else None,
            row.difference if row.reconciliation else None,
            row.relative if row.reconciliation else None,
            row.reconciliation.get_status_display() if row.reconciliation else _("not entered"),
            _signoff_state(row),
            row.reconciliation.explanation if row.reconciliation else "",
        ]
        for row in ranking.rows
    ]
    sheet = Sheet(
        _("Cash flow %(month)s") % {"month": formatting.month(month)},
        headers,
        rows,
        kinds=[Kind.NUMBER, Kind.TEXT, Kind.TEXT, *[Kind.MONEY] * 3, Kind.RATE],
    )
    return Section(_("Cash flow"), lines=lines, tables=[sheet], order=CASHFLOW_ORDER)
