"""Writes of the weekly audit notice (docs/rules.md#weekly-audit-notice): drafting it from the
data (idempotent; a draft is refreshed, a published notice never touched), the city's remarks
and publishing. Celery beat, the city's "draft now" button, ``manage.py audits_notice`` and
the API all call ``notice_draft``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits import calculations
from audits.models import Cadence, WeeklyNotice
from audits.selectors import notices as reads
from marketing_ops import formatting
from marketing_ops.periods import iso_week_label

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from marketing_ops.access import AnyUser


class NoticeConflict(Exception):
    """The notice is published: it is read-only (API: 409)."""


def week_just_ended(today: dt.date) -> str:
    """The ISO week before the one ``today`` is in: what Monday's draft covers."""
    return iso_week_label(today - dt.timedelta(days=7))


def _period(week: str) -> calculations.Period:
    try:
        return calculations.parse_period(Cadence.WEEKLY, (week or "").strip())
    except ValueError:
        raise ValidationError({"week": _("Write the week as YYYY-Www, e.g. 2026-W46.")})


def _snapshot(period: calculations.Period) -> tuple[list[dict], list[dict]]:
    criticism, commendation = [], []
    for row in reads.week_figures(period.start, period.end):
        name = {"county": row.county.code, "name": row.county.name}
        if reasons := row.reasons():
            criticism.append({**name, "reasons": reasons})
        elif row.commended:
            commendation.append(name)
    return criticism, commendation


def notice_draft(*, week: str) -> WeeklyNotice:
    """Draft the notice of ``week`` (``YYYY-Www``, a week that has ended) from the data, or
    refresh its draft; a published notice is returned untouched. Running it again changes
    nothing but the time it was drafted."""
    period = _period(week)
    now = timezone.now()
    if period.end >= timezone.localdate(now):
        raise ValidationError(
            {
                "week": _("Week %(week)s has not ended yet.")
                % {"week": formatting.period(period.label)}
            }
        )
    for attempt in (1, 2):
        try:
            return _draft(period, now)
        except IntegrityError:
            # Two drafts of a new week at once: the other one inserted it; refresh that.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def _draft(period: calculations.Period, now: dt.datetime) -> WeeklyNotice:
    notice = WeeklyNotice.objects.select_for_update().filter(week=period.label).first()
    if notice is not None and notice.published:
        return notice
    criticism, commendation = _snapshot(period)
    if notice is None:
        return WeeklyNotice.objects.create(
            week=period.label,
            week_start=period.start,
            week_end=period.end,
            criticism=criticism,
            commendation=commendation,
            drafted_at=now,
        )
    notice.criticism, notice.commendation, notice.drafted_at = criticism, commendation, now
    notice.save(update_fields=["criticism", "commendation", "drafted_at"])
    return notice


def _editable(user: AnyUser, week: str) -> WeeklyNotice:
    if not reads.may_edit(user):
        raise PermissionDenied(_("Only city staff edit and publish the weekly notice."))
    notice = WeeklyNotice.objects.select_for_update().filter(week=week).first()
    if notice is None:
        raise ValidationError(
            {"week": _("There is no notice of %(week)s yet.") % {"week": formatting.period(week)}}
        )
    if notice.published:
        raise NoticeConflict(
            _("The notice of %(week)s is published and can no longer be changed.")
            % {"week": formatting.period(week)}
        )
    return notice


@transaction.atomic
def notice_remarks(*, user: AnyUser, week: str, remarks: str) -> WeeklyNotice:
    """Save the city's remarks on a draft; a published notice answers NoticeConflict."""
    notice = _editable(user, week)
    notice.remarks = (remarks or "").strip()
    notice.save(update_fields=["remarks"])
    return notice


@transaction.atomic
def notice_publish(*, user: User, week: str, remarks: str | None = None) -> WeeklyNotice:
    """Publish the draft as it stands, with ``remarks`` (kept as saved when None): from now on
    it is read-only. Publishing twice answers NoticeConflict."""
    notice = _editable(user, week)
    if remarks is not None:
        notice.remarks = remarks.strip()
    notice.status = WeeklyNotice.Status.PUBLISHED
    notice.published_at = timezone.now()
    notice.published_by = user
    notice.save(update_fields=["remarks", "status", "published_at", "published_by"])
    return notice
