"""Emailed briefings (docs/rules.md#briefings): each app contributes sections, this module
assembles and sends.

An app contributes by defining ``<app>/briefing.py`` with::

    def sections(period: BriefingPeriod, county: County | None) -> list[Section]

``county`` is None for the city briefing; a county's briefing must hold only that county's
figures. Sections are data (lines of text and tables), so every briefing looks the same and no
app writes HTML into an email. A briefing is archived once per kind × period × scope; sending
again does nothing unless forced.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketing_ops import formatting
from marketing_ops.access import Role
from marketing_ops.apps import app_modules
from marketing_ops.models import Briefing, County
from marketing_ops.periods import Month, iso_week_label, week_bounds
from marketing_ops.xlsx import XLSX_CONTENT_TYPE, Kind, Sheet, kind_of, workbook_bytes, yes_no

logger = logging.getLogger(__name__)

KINDS = ("daily", "weekly", "monthly")


@dataclass(frozen=True)
class BriefingPeriod:
    """What a briefing covers: ``label`` is YYYY-MM-DD, YYYY-Www or YYYY-MM."""

    kind: str
    label: str
    start: dt.date
    end: dt.date

    @property
    def month(self) -> Month:
        return Month.of(self.end)


@dataclass
class Section:
    """A part of a briefing: lines of text, and tables (``Sheet``s) whose columns say their
    ``kinds`` (``marketing_ops.xlsx.Kind``), so that the email writes each cell as pages do
    (22,271,505.90, 93.67%, +1.20 pp) and the attachment as a typed cell."""

    title: str
    lines: list[str] = field(default_factory=list)
    tables: list[Sheet] = field(default_factory=list)
    order: int = 100

    def __post_init__(self) -> None:
        # Tables are rendered three times (HTML, text, xlsx): keep the rows.
        for table in self.tables:
            table.rows = [list(row) for row in table.rows]


#: Kinds of cell the email aligns right, as pages align figures.
NUMERIC_KINDS = frozenset({Kind.MONEY, Kind.RATE, Kind.POINTS, Kind.COUNT, Kind.NUMBER})


@dataclass(frozen=True)
class Cell:
    """A table cell of the email: its text as a page writes it, and whether it is a figure."""

    text: str
    numeric: bool = False


@dataclass(frozen=True)
class Table:
    """A section's table as the email shows it (the attachment keeps the ``Sheet``)."""

    title: str
    headers: list[str]
    rows: list[list[Cell]]
    totals: list[Cell] | None


@dataclass(frozen=True)
class SectionView:
    title: str
    lines: list[str]
    tables: list[Table]


def cell_text(value: Any, kind: str | None = None) -> str:
    """A cell as pages write it, in the active language (``marketing_ops.formatting``): money
    1,234,567.50, a rate 49.87%, percentage points +1.20 pp, a count 12,345, a date 2026-12-05
    (2026年12月5日), yes/no 是/否; a cell without a kind is written by its value's kind (a
    two-place ``Decimal`` is money). Text stays as it is; nothing reads as an em dash."""
    if value is None or value == "":
        return formatting.MISSING if value is None else ""
    kind = kind or kind_of(value)
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, Month):
        return formatting.month(value)
    if isinstance(value, dt.date):
        return formatting.date(value)
    if isinstance(value, float):
        value = Decimal(str(value))
    if not isinstance(value, int | Decimal):
        return str(value)
    if kind == Kind.MONEY:
        return formatting.money(value)
    if kind == Kind.RATE:
        return formatting.percent(Decimal(value))
    if kind == Kind.POINTS:
        return formatting.points(Decimal(value))
    if kind == Kind.COUNT:
        return formatting.count(int(value)) if value == int(value) else f"{value:,}"
    return str(value)


def _cell(value: Any, kind: str | None) -> Cell:
    numeric = isinstance(value, int | float | Decimal) and not isinstance(value, bool)
    return Cell(cell_text(value, kind), numeric and (kind in NUMERIC_KINDS or kind is None))


def table_view(sheet: Sheet) -> Table:
    """A sheet as the email's table: every cell written by its column's kind."""
    headers = [str(header) for header in sheet.headers]
    kinds = list(sheet.kinds) + [None] * (len(headers) - len(sheet.kinds))

    def cells(row: Sequence[Any]) -> list[Cell]:
        return [
            _cell(value, kinds[index] if index < len(kinds) else None)
            for index, value in enumerate(row)
        ]

    totals = None
    if sheet.totals is not None:
        totals = cells(sheet.totals)
        if totals and not totals[0].text.strip("—"):
            totals[0] = Cell(_("Total"))
    return Table(str(sheet.title), headers, [cells(row) for row in sheet.rows], totals)


def period_for(kind: str, label: str | None = None, today: dt.date | None = None) -> BriefingPeriod:
    """The period a briefing of ``kind`` covers: the label given, or the one just ended."""
    if kind not in KINDS:
        raise ValueError(
            _("unknown briefing kind %(kind)r; use one of %(kinds)s")
            % {"kind": kind, "kinds": ", ".join(KINDS)}
        )
    today = today or timezone.localdate()
    if kind == "daily":
        day = dt.date.fromisoformat(label) if label else today - dt.timedelta(days=1)
        return BriefingPeriod(kind, day.isoformat(), day, day)
    if kind == "weekly":
        if label:
            try:
                monday = dt.datetime.strptime(label + "-1", "%G-W%V-%u").date()
            except ValueError:
                raise ValueError(_("expected a week as YYYY-Www, got %(value)r") % {"value": label})
        else:
            monday = week_bounds(today)[0] - dt.timedelta(days=7)
        start, end = week_bounds(monday)
        return BriefingPeriod(kind, iso_week_label(start), start, end)
    month = Month.parse(label) if label else Month.of(today).previous()
    return BriefingPeriod(kind, str(month), month.first_day, month.last_day)


def collect_sections(period: BriefingPeriod, county: Any) -> list[Section]:
    sections: list[Section] = []
    for module in app_modules("briefing"):
        sections.extend(module.sections(period, county))
    return sorted(sections, key=lambda s: s.order)


@dataclass
class Rendered:
    subject: str
    html: str
    text: str
    xlsx: bytes


#: A briefing's kind in its subject line ("monthly briefing 2026-11").
KIND_WORDS = {
    "daily": gettext_lazy("daily"),
    "weekly": gettext_lazy("weekly"),
    "monthly": gettext_lazy("monthly"),
}


def briefing_render(period: BriefingPeriod, county: Any) -> Rendered:
    """The briefing's subject, HTML, text and workbook, in the active language."""
    scope_name = county.name if county else settings.CITY_NAME
    subject = _("%(city)s marketing — %(kind)s briefing %(period)s") % {
        "city": settings.CITY_NAME,
        "kind": KIND_WORDS[period.kind],
        "period": formatting.period(period.label),
    }
    if county:
        subject += f" — {county.name}"
    sections = collect_sections(period, county)
    context = {
        "period": period,
        "scope_name": scope_name,
        "sections": [
            SectionView(
                str(section.title),
                [str(line) for line in section.lines],
                [table_view(table) for table in section.tables],
            )
            for section in sections
        ],
        "subject": subject,
        "city_name": settings.CITY_NAME,
    }
    # The attachment: the same tables, each cell typed by its column's kind.
    sheets: list[Sheet] = [table for section in sections for table in section.tables]
    return Rendered(
        subject=subject,
        html=render_to_string("briefings/email.html", context),
        text=render_to_string("briefings/email.txt", context),
        xlsx=workbook_bytes(sheets) if sheets else b"",
    )


def recipients_for(county: Any) -> list[str]:
    """Managers get the city briefing; county heads (managers bound to a county) their county's."""
    users = (
        get_user_model().objects.filter(is_active=True, groups__name=Role.MANAGER).exclude(email="")
    )
    if county is None:
        users = users.filter(profile__county__isnull=True)
    else:
        users = users.filter(profile__county=county)
    return sorted(set(users.values_list("email", flat=True)))


@dataclass
class SendResult:
    briefing: Any
    sent: bool
    recipients: Sequence[str]


def briefing_send(
    period: BriefingPeriod,
    county: Any = None,
    *,
    force: bool = False,
    dry_run: bool = False,
    mail_backend: str | None = None,
) -> SendResult:
    """Build, archive and email one briefing; a second call sends nothing unless ``force``.
    ``mail_backend`` replaces the configured one (the demo's briefings go nowhere)."""
    scope = county.code if county else "city"
    recipients = recipients_for(county)
    # Written in the installation's language whoever sends it (a page, the beat, a command).
    render = partial(translation.override(settings.LANGUAGE_CODE)(briefing_render), period, county)
    if dry_run:
        rendered = render()
        draft = Briefing(
            kind=period.kind,
            period=period.label,
            scope=scope,
            county=county,
            subject=rendered.subject,
            html=rendered.html,
            text=rendered.text,
            xlsx=rendered.xlsx,
            recipients=recipients,
        )
        return SendResult(draft, sent=False, recipients=recipients)
    with transaction.atomic():
        briefing, _ = Briefing.objects.select_for_update().get_or_create(
            kind=period.kind,
            period=period.label,
            scope=scope,
            defaults={"county": county, "subject": "", "html": "", "text": ""},
        )
        if briefing.sent_at and not force:
            return SendResult(briefing, sent=False, recipients=briefing.recipients)
        rendered = render()
        briefing.subject, briefing.html = rendered.subject, rendered.html
        briefing.text, briefing.xlsx = rendered.text, rendered.xlsx
        briefing.recipients = recipients
        _deliver(briefing, recipients, mail_backend)
        briefing.sent_at = timezone.now()
        briefing.send_count += 1
        briefing.save()
    return SendResult(briefing, sent=True, recipients=recipients)


def _deliver(briefing: Any, recipients: Sequence[str], backend: str | None = None) -> None:
    """One message per recipient, so no one sees who else receives a county's figures."""
    if not recipients:
        return
    messages = []
    for address in recipients:
        message = EmailMultiAlternatives(
            subject=briefing.subject,
            body=briefing.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
        )
        message.attach_alternative(briefing.html, "text/html")
        if briefing.xlsx:
            name = f"briefing-{briefing.kind}-{briefing.period}-{briefing.scope}.xlsx"
            message.attach(name, bytes(briefing.xlsx), XLSX_CONTENT_TYPE)
        messages.append(message)
    get_connection(backend).send_messages(messages)


def briefing_send_all(
    kind: str,
    period: str | None = None,
    *,
    force: bool = False,
    dry_run: bool = False,
    today: dt.date | None = None,
    mail_backend: str | None = None,
) -> list[SendResult]:
    """The city briefing and one per active county, for the period just ended (or ``period``)."""
    briefing_period = period_for(kind, period, today)
    options: dict[str, Any] = {"force": force, "dry_run": dry_run, "mail_backend": mail_backend}
    results = [briefing_send(briefing_period, None, **options)]
    for county in County.objects.filter(active=True):
        results.append(briefing_send(briefing_period, county, **options))
    logger.info(
        "%s briefing %s: %d sent", kind, briefing_period.label, sum(r.sent for r in results)
    )
    return results
