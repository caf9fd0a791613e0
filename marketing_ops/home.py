"""The core's part of the start page (marketing_ops.work): the uploads that failed in the last
week, for those who import; the latest briefing, for managers."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from marketing_ops import formatting, selectors, tabular
from marketing_ops.access import WRITING_ROLES, Role, bound_county_id, has_role
from marketing_ops.models import ImportJob
from marketing_ops.work import ROWS_SHOWN, Figure, WorkList, WorkRow

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser

#: How far back a failed upload stays on the start page.
FAILED_IMPORT_DAYS = 7


def _failed_imports(user: AnyUser, today: dt.date) -> WorkList:
    since = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=FAILED_IMPORT_DAYS), dt.time.min)
    )
    jobs = (
        selectors.import_jobs_for(user)
        .filter(status=ImportJob.Status.FAILED, created_at__gte=since)
        .order_by("-created_at", "-id")
    )
    labels = {name: dataset.label for name, dataset in tabular.datasets().items()}
    return WorkList(
        key="failed-imports",
        title=_("Uploads that failed in the last %(days)s days") % {"days": FAILED_IMPORT_DAYS},
        count=jobs.count(),
        url=f"{reverse('imports')}?{urlencode({'status': ImportJob.Status.FAILED})}",
        nav="imports",
        rows=[
            WorkRow(
                label=job.file_name,
                detail=ngettext(
                    "%(dataset)s, %(date)s: %(errors)s error",
                    "%(dataset)s, %(date)s: %(errors)s errors",
                    job.error_count,
                )
                % {
                    "dataset": labels.get(job.dataset, job.dataset),
                    "date": formatting.date(timezone.localdate(job.created_at)),
                    "errors": formatting.count(job.error_count),
                },
                url=reverse("import-detail", args=[job.pk]),
            )
            for job in jobs[:ROWS_SHOWN]
        ],
        order=60,
    )


def work(user: AnyUser, today: dt.date) -> list[WorkList]:
    """Whoever imports (writing roles): their failed uploads of the last week."""
    return [_failed_imports(user, today)] if has_role(user, *WRITING_ROLES) else []


def figures(user: AnyUser, today: dt.date) -> list[Figure]:
    """Managers: the latest briefing of their scope (else the latest they may read)."""
    if not has_role(user, Role.MANAGER):
        return []
    readable = selectors.briefings_for(user).order_by("-created_at", "-id")
    # Their own scope's first: a county head's county, the city's for city-wide managers.
    county_id = bound_county_id(user)
    own = readable.filter(county_id=county_id) if county_id else readable.filter(county=None)
    latest = own.first() or readable.first()
    if latest is None:
        return []
    return [
        Figure(
            label=_("Latest briefing"),
            value=latest.subject,
            comparison=formatting.date(timezone.localdate(latest.created_at)),
            url=reverse("briefing-detail", args=[latest.pk]),
            order=1,
        )
    ]
