"""Monthly reports: save figures, the workflow, the bulk import (docs/rules.md#monthly-reports).

Every write locks the report row (``select_for_update``), checks the ``version`` the writer saw
and bumps it, and records who changed what from which value to which. The form, the API and the
upload all come through here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from marketing_ops import formatting
from marketing_ops.access import CITY_ROLES, WRITING_ROLES, check_county, has_role
from marketing_ops.bounds import INTEGER_MAX
from marketing_ops.models import BusinessLine, County
from marketing_ops.money import CENT, has_fraction_of_a_cent
from marketing_ops.periods import Month, business_window
from revenue import calculations as calc
from revenue.models import MonthlyReport, ReportChange, ReportVolume
from revenue.selectors import reports as report_selectors

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from marketing_ops.access import AnyUser

__all__ = [
    "ReportConflict",
    "report_approve",
    "report_discard",
    "report_reopen",
    "report_return",
    "report_save",
    "report_submit",
    "reports_import",
]

Status = MonthlyReport.Status


class ReportConflict(Exception):
    """Someone else saved the report since the writer loaded it (API: 409)."""

    def __init__(self, report: MonthlyReport | None, expected: int | None):
        self.report = report
        current = report.version if report else 0
        who = ""
        if report is not None:
            last = report.changes.select_related("by").first()
            if last is not None:
                name = last.by.get_username() if last.by else gettext("an import")
                who = gettext(" by %(name)s at %(at)s") % {
                    "name": name,
                    "at": formatting.date(last.at),
                }
        super().__init__(
            gettext(
                "This report was changed%(who)s after you opened it (your version %(expected)s, "
                "now %(current)s). Reload it to see the changes, then save again."
            )
            % {"who": who, "expected": expected, "current": current}
        )


def _require(user: AnyUser | None, roles: Sequence[str], what: str) -> None:
    if user is not None and not has_role(user, *roles):
        raise PermissionDenied(
            gettext("Your role may not %(what)s monthly reports.") % {"what": _word(what)}
        )


def _locked(county: County, year: int, month: int) -> MonthlyReport | None:
    return (
        MonthlyReport.objects.select_for_update()
        .filter(county=county, year=year, month=month)
        .first()
    )


def _check_version(report: MonthlyReport | None, version: int | None) -> None:
    if version is None:
        return
    current = report.version if report is not None else 0
    if int(version) != current:
        raise ReportConflict(report, version)


def _clean_period(year: int, month: int) -> None:
    window = business_window()
    first, last = window.first.year, window.last.year
    if not first <= int(year) <= last:
        raise ValidationError(
            {
                "year": gettext("expected a year between %(first)s and %(last)s, got %(year)s")
                % {"first": first, "last": last, "year": year}
            }
        )
    if not 1 <= int(month) <= 12:
        raise ValidationError(
            {"month": gettext("month must be 1..12, got %(month)s") % {"month": month}}
        )


def month_has_ended(year: int, month: int, today: dt.date) -> bool:
    """A report exists only for a month that has ended (docs/rules.md#monthly-reports)."""
    return Month(int(year), int(month)).last_day < today


def _check_ended(year: int, month: int, today: dt.date) -> None:
    if not month_has_ended(year, month, today):
        raise ValidationError(
            {
                "month": gettext(
                    "%(month)s has not ended yet; its report can be entered from %(first_day)s"
                )
                % {
                    "month": formatting.month(Month(int(year), int(month))),
                    "first_day": formatting.date(Month(int(year), int(month)).next().first_day),
                }
            }
        )


def _clean_revenue(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except ArithmeticError:
        raise ValidationError(
            {
                "revenue": gettext("expected an amount like 1234.50, got %(value)s")
                % {"value": repr(value)}
            }
        )
    if not amount.is_finite():
        raise ValidationError(
            {
                "revenue": gettext("expected an amount like 1234.50, got %(value)s")
                % {"value": repr(value)}
            }
        )
    if amount < 0:
        raise ValidationError(
            {"revenue": gettext("must not be negative, got %(value)s") % {"value": value}}
        )
    if has_fraction_of_a_cent(amount):
        raise ValidationError(
            {"revenue": gettext("at most 2 decimal places, got %(value)s") % {"value": value}}
        )
    if amount >= Decimal("1e12"):
        raise ValidationError(
            {"revenue": gettext("amount too large: %(value)s") % {"value": value}}
        )
    return amount.quantize(CENT)


def _clean_volumes(volumes: Mapping[str, Any], lines: dict[str, BusinessLine]) -> dict[str, int]:
    unknown = sorted(set(volumes) - set(lines))
    if unknown:
        raise ValidationError(
            {"volumes": gettext("unknown business line: %(codes)s") % {"codes": ", ".join(unknown)}}
        )
    cleaned = {}
    for code, value in volumes.items():
        text = str(value).strip()
        if isinstance(value, bool) or not (text.isascii() and text.isdigit()):
            raise ValidationError(
                {
                    "volumes": gettext("%(code)s: expected a whole number ≥ 0, got %(value)s")
                    % {"code": code, "value": repr(value)}
                }
            )
        if int(text) > INTEGER_MAX:
            raise ValidationError(
                {
                    "volumes": gettext("%(code)s: at most %(max)s, got %(text)s")
                    % {"code": code, "max": INTEGER_MAX, "text": text}
                }
            )
        cleaned[code] = int(text)
    return cleaned


def _change(
    report: MonthlyReport, user: User | None, now: dt.datetime, action: str, **fields: Any
) -> ReportChange:
    return ReportChange(
        report=report,
        at=now,
        by=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        **fields,
    )


def _apply_figures(
    report: MonthlyReport,
    revenue: Decimal,
    volumes: dict[str, int],
    lines: dict[str, BusinessLine],
    existing: dict[str, ReportVolume],
    user: User | None,
    now: dt.datetime,
    action: str,
) -> tuple[list[ReportChange], list[ReportVolume], list[ReportVolume]]:
    """Set the figures on ``report`` (unsaved); returns (changes, volumes to create, to update)."""
    changes = []
    if report.revenue != revenue:
        changes.append(
            _change(report, user, now, action, field="revenue", old=report.revenue, new=revenue)
        )
        report.revenue = revenue
    to_create, to_update = [], []
    for code, value in volumes.items():
        row = existing.get(code)
        old = row.volume if row else 0
        if row is None:
            to_create.append(ReportVolume(report=report, line=lines[code], volume=value))
        elif row.volume != value:
            row.volume = value
            to_update.append(row)
        if old != value or row is None and value:
            changes.append(_change(report, user, now, action, field=code, old=old, new=value))
    if report.status == Status.RETURNED:
        changes.append(
            _change(report, user, now, action, field="status", old="returned", new="draft")
        )
        report.status = Status.DRAFT
    return changes, to_create, to_update


@transaction.atomic
def report_save(
    *,
    county: County,
    year: int,
    month: int,
    revenue: Any,
    volumes: Mapping[str, Any],
    version: int | None,
    user: User,
    now: dt.datetime | None = None,
) -> MonthlyReport:
    """Save a county's figures for a month (creating the report as a draft).

    A submitted or approved report cannot be changed (approve/return/reopen first); a returned
    one goes back to draft. ``version`` is what the writer saw (0 for a new report); a
    different current version raises ReportConflict.
    """
    if user is not None:
        check_county(user, county)
    _require(user, WRITING_ROLES, "edit")
    _clean_period(year, month)
    now = now or timezone.now()
    _check_ended(year, month, timezone.localdate(now))
    lines = {line.code: line for line in BusinessLine.objects.filter(active=True)}
    revenue_amount = _clean_revenue(revenue)
    volume_values = _clean_volumes(volumes or {}, lines)
    report = _locked(county, year, month)
    _check_version(report, version)
    if report is None:
        try:
            with transaction.atomic():
                report = MonthlyReport.objects.create(
                    county=county, year=year, month=month, revenue=Decimal("0.00"), version=0
                )
        except IntegrityError:
            # Someone created it between our read and our insert: their save wins, ours conflicts.
            raise ReportConflict(_locked(county, year, month), version)
        existing: dict[str, ReportVolume] = {}
    else:
        if not report.is_editable:
            raise ValidationError(
                {
                    "status": gettext("the report is %(status)s; it cannot be changed")
                    % {"status": _word(report.status)}
                    + (
                        gettext(" (city staff may reopen it)")
                        if report.status == Status.APPROVED
                        else ""
                    )
                }
            )
        existing = {v.line.code: v for v in report.volumes.select_related("line")}
    changes, to_create, to_update = _apply_figures(
        report, revenue_amount, volume_values, lines, existing, user, now, "edit"
    )
    report.version += 1
    report.save(update_fields=["revenue", "status", "version", "updated_at"])
    ReportVolume.objects.bulk_create(to_create)
    ReportVolume.objects.bulk_update(to_update, ["volume"])
    if report.version == 1:
        changes.insert(0, _change(report, user, now, "create", field="status", new="draft"))
    ReportChange.objects.bulk_create(changes)
    return report


def _transition(
    *,
    report: MonthlyReport,
    user: User,
    allowed_from: Sequence[str],
    to: str,
    action: str,
    roles: Sequence[str],
    version: int | None,
    reason: str = "",
    now: dt.datetime | None = None,
    reason_required: bool = False,
) -> MonthlyReport:
    if user is not None:
        check_county(user, report.county_id)
    _require(user, roles, action)
    now = now or timezone.now()
    locked = _locked(report.county, report.year, report.month)
    if locked is None:
        raise ValidationError({"status": gettext("the report has not been saved yet")})
    _check_version(locked, version)
    reason = (reason or "").strip()
    if reason_required and not reason:
        raise ValidationError(
            {
                "reason": gettext("give a reason to %(action)s the report")
                % {"action": _word(action)}
            }
        )
    if locked.status not in allowed_from:
        raise ValidationError(
            {
                "status": gettext("a %(status)s report cannot be %(action)s")
                % {"status": _word(locked.status), "action": _word(_past(action))}
            }
        )
    if action == "approve" and user is not None and report_selectors.edited_by(locked, user):
        raise PermissionDenied(
            gettext(
                "You edited this report's figures, so another city staff member must approve it."
            )
        )
    old = locked.status
    locked.status = to
    locked.version += 1
    fields = ["status", "version", "updated_at"]
    if action == "submit":
        locked.submitted_at, locked.submitted_by = now, user
        locked.late = calc.is_late(
            locked.year, locked.month, timezone.localdate(now), settings.REPORT_DEADLINE_DAY
        )
        locked.return_reason = ""
        fields += ["submitted_at", "submitted_by", "late", "return_reason"]
    elif action in ("approve", "return"):
        locked.reviewed_at, locked.reviewed_by = now, user
        fields += ["reviewed_at", "reviewed_by"]
        if action == "return":
            locked.return_reason = reason
            fields.append("return_reason")
    locked.save(update_fields=fields)
    _change(locked, user, now, action, field="status", old=old, new=to, reason=reason).save()
    return locked


#: The words of actions and statuses that messages name, in the user's language.
_WORDS = {
    "edit": gettext_lazy("edit"),
    "import": gettext_lazy("import"),
    "submit": gettext_lazy("submit"),
    "approve": gettext_lazy("approve"),
    "return": gettext_lazy("return"),
    "reopen": gettext_lazy("reopen"),
    "discard": gettext_lazy("discard"),
    "draft": gettext_lazy("draft"),
    "submitted": gettext_lazy("submitted"),
    "approved": gettext_lazy("approved"),
    "returned": gettext_lazy("returned"),
    "reopened": gettext_lazy("reopened"),
}


def _word(code: str) -> str:
    return str(_WORDS.get(code, code))


def _past(action: str) -> str:
    return {"submit": "submitted", "approve": "approved", "return": "returned"}.get(
        action, "reopened"
    )


@transaction.atomic
def report_submit(
    *,
    report: MonthlyReport,
    user: User,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> MonthlyReport:
    """Draft (or returned) → submitted; flagged late after the deadline day of next month."""
    return _transition(
        report=report,
        user=user,
        allowed_from=(Status.DRAFT, Status.RETURNED),
        to=Status.SUBMITTED,
        action="submit",
        roles=WRITING_ROLES,
        version=version,
        now=now,
    )


@transaction.atomic
def report_approve(
    *,
    report: MonthlyReport,
    user: User,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> MonthlyReport:
    """Submitted → approved: the figures count in official progress and are locked."""
    return _transition(
        report=report,
        user=user,
        allowed_from=(Status.SUBMITTED,),
        to=Status.APPROVED,
        action="approve",
        roles=CITY_ROLES,
        version=version,
        now=now,
    )


@transaction.atomic
def report_return(
    *,
    report: MonthlyReport,
    user: User,
    reason: str,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> MonthlyReport:
    """Submitted → returned with a reason; the county corrects it (back to draft) and resubmits."""
    return _transition(
        report=report,
        user=user,
        allowed_from=(Status.SUBMITTED,),
        to=Status.RETURNED,
        action="return",
        roles=CITY_ROLES,
        version=version,
        reason=reason,
        reason_required=True,
        now=now,
    )


@transaction.atomic
def report_reopen(
    *,
    report: MonthlyReport,
    user: User,
    reason: str,
    version: int | None = None,
    now: dt.datetime | None = None,
) -> MonthlyReport:
    """Approved → draft with a reason, so that a locked report can be corrected."""
    return _transition(
        report=report,
        user=user,
        allowed_from=(Status.APPROVED,),
        to=Status.DRAFT,
        action="reopen",
        roles=CITY_ROLES,
        version=version,
        reason=reason,
        reason_required=True,
        now=now,
    )


@transaction.atomic
def report_discard(*, report: MonthlyReport, user: User | None, version: int | None = None) -> None:
    """Delete a draft that was never submitted (its county's staff, or city staff)."""
    if user is not None:
        check_county(user, report.county_id)
    _require(user, WRITING_ROLES, "discard")
    locked = _locked(report.county, report.year, report.month)
    if locked is None:
        return
    _check_version(locked, version)
    if locked.status != Status.DRAFT or locked.submitted_at is not None:
        raise ValidationError(
            {"status": gettext("only a draft that was never submitted can be discarded")}
        )
    locked.delete()


class ImportRowError(ValidationError):
    """A report in the file may not be written (found while applying, under the lock)."""


@transaction.atomic
def reports_import(
    *,
    rows: Sequence[tuple[int, int, int, Decimal, Mapping[str, int]]],
    user: User | None,
    now: dt.datetime | None = None,
) -> int:
    """Write many reports' figures at once (the upload): (county_id, year, month, revenue,
    {LINE: n}). Reports are created as drafts; any report that is submitted or approved rejects
    the whole batch. A constant number of queries for the whole file."""
    _require(user, WRITING_ROLES, "import")
    now = now or timezone.now()
    running = sorted(
        {
            f"{y}-{m:02d}"
            for _, y, m, _, _ in rows
            if not month_has_ended(y, m, timezone.localdate(now))
        }
    )
    if running:
        raise ImportRowError(
            gettext("months that have not ended: %(months)s") % {"months": ", ".join(running)}
        )
    lines = {line.code: line for line in BusinessLine.objects.filter(active=True)}
    keys = {(county_id, year, month) for county_id, year, month, _, _ in rows}
    years = {year for _, year, _ in keys}
    locked = {
        (r.county_id, r.year, r.month): r
        for r in MonthlyReport.objects.select_for_update()
        .filter(year__in=years, county_id__in={k[0] for k in keys})
        .select_related("county")
        if (r.county_id, r.year, r.month) in keys
    }
    blocked = sorted(
        gettext("%(county)s %(period)s is %(status)s")
        % {"county": r.county.code, "period": r.period, "status": _word(r.status)}
        for r in locked.values()
        if not r.is_editable
    )
    if blocked:
        raise ImportRowError(
            gettext("reports that cannot be changed: %(reports)s") % {"reports": "; ".join(blocked)}
        )
    new_reports = [
        MonthlyReport(county_id=c, year=y, month=m, revenue=Decimal("0.00"), version=0)
        for (c, y, m) in keys
        if (c, y, m) not in locked
    ]
    MonthlyReport.objects.bulk_create(new_reports)
    if new_reports:
        # bulk_create does not return ids on every database: read them back in one query.
        for report in MonthlyReport.objects.filter(
            year__in=years, version=0, county_id__in={r.county_id for r in new_reports}
        ):
            if (report.county_id, report.year, report.month) in keys:
                locked[(report.county_id, report.year, report.month)] = report
    existing: dict[int, dict[str, ReportVolume]] = {}
    for volume in ReportVolume.objects.filter(
        report__in=[r.pk for r in locked.values()]
    ).select_related("line"):
        existing.setdefault(volume.report_id, {})[volume.line.code] = volume
    changes: list[ReportChange] = []
    creates: list[ReportVolume] = []
    updates: list[ReportVolume] = []
    for county_id, year, month, revenue, volumes in rows:
        report = locked[(county_id, year, month)]
        created = report.version == 0
        row_changes, row_creates, row_updates = _apply_figures(
            report, revenue, dict(volumes), lines, existing.get(report.pk, {}), user, now, "import"
        )
        if created:
            row_changes.insert(0, _change(report, user, now, "create", field="status", new="draft"))
        report.version += 1
        report.updated_at = now
        changes += row_changes
        creates += row_creates
        updates += row_updates
    MonthlyReport.objects.bulk_update(
        [locked[(c, y, m)] for c, y, m, _, _ in rows],
        ["revenue", "status", "version", "updated_at"],
    )
    ReportVolume.objects.bulk_create(creates)
    ReportVolume.objects.bulk_update(updates, ["volume"])
    ReportChange.objects.bulk_create(changes)
    return len(rows)
