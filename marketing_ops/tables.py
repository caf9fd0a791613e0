from typing import Any, TypeVar

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django_tables2 import utils

from marketing_ops import formatting, tabular
from marketing_ops.models import Briefing, BusinessLine, County, ImportJob
from marketing_ops.xlsx import Kind

#: Cell renderers whose signature is remembered (the project's tables have a few hundred).
SIGNATURES_KEPT = 4096


def cache_render_signatures() -> None:
    """Remember what arguments each cell renderer takes, once per function.

    django-tables2 calls ``inspect.signature`` on a column's ``render``/``value`` for every cell
    it draws (utils.signature, used only by call_with_appropriate): a sixth of the time of a
    100-row table. A function's parameters do not change, so the answer is kept per function
    (and whether it is bound, which drops ``self``), for up to SIGNATURES_KEPT functions (a
    callable made per request is not kept for ever). Called once from the app's ``ready``.
    """
    if getattr(utils.signature, "cached", False):
        return
    uncached = utils.signature
    known: dict[tuple[Any, bool], tuple[list[str], str | None]] = {}

    def signature(fn: Any) -> tuple[list[str], str | None]:
        key = (getattr(fn, "__func__", fn), hasattr(fn, "__self__"))
        try:
            return known[key]
        except KeyError:
            found = uncached(fn)
            if len(known) < SIGNATURES_KEPT:
                known[key] = found
            return found
        except TypeError:  # an unhashable callable
            return uncached(fn)

    signature.cached = True  # type: ignore[attr-defined]  # a mark on the function object
    utils.signature = signature


#: Right-aligned, tabular figures (static/css/app.css).
NUM = {"td": {"class": "num"}, "th": {"class": "num"}}

#: The class of a cell a phone leaves out (static/css/app.css): hidden on a screen narrower
#: than Bootstrap's ``md`` breakpoint (768 px), shown on wider screens and on paper. Hand-written
#: tables put it on the ``<th>`` and ``<td>`` of a column; django-tables2 columns use
#: ``low_priority``.
LOW_PRIORITY = "low-priority"

ColumnT = TypeVar("ColumnT", bound=tables.Column)


def low_priority(column: ColumnT) -> ColumnT:
    """``column`` marked as one a phone may leave out, so that the columns a user needs there
    fit its width (docs/language-and-formats.md#phones).

    ``address = low_priority(tables.Column(accessor="account__address"))``: the class
    ``LOW_PRIORITY`` joins the column's header, cell and footer classes (a column's ``cell``
    attributes still apply to all three). The export keeps the column.
    """
    attrs = {part: dict(value) for part, value in (column.attrs or {}).items()}
    for part in ("th", "td", "tf"):
        cell = attrs.setdefault(part, dict(attrs.get("cell", {})))
        classes = cell.get("class", "")
        if callable(classes):
            raise TypeError("low_priority() needs a column whose classes are text.")
        cell["class"] = f"{classes} {LOW_PRIORITY}".strip()
    column.attrs = attrs
    return column


class NumColumn(tables.Column):
    """A right-aligned number; a whole number with thousands separators on the page
    (``formatting.count``: 24,000), exported as the number."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("attrs", NUM)
        super().__init__(*args, **kwargs)

    def render(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return formatting.count(value)
        return value

    def value(self, value: Any) -> Any:
        return value


class MoneyColumn(NumColumn):
    """Yuan shown as 86,400.00 on the page (``formatting.money``), exported as the Decimal
    (numeric, ``#,##0.00``)."""

    export_kind = Kind.MONEY

    def render(self, value: Any) -> str:
        return formatting.money(value)

    def value(self, value: Any) -> Any:
        return value


class RateColumn(NumColumn):
    """A 4-place fraction shown as a percentage (49.87%, ``formatting.percent``), exported as
    the fraction (numeric, ``0.00%``)."""

    export_kind = Kind.RATE

    def render(self, value: Any) -> str:
        return formatting.percent(value)

    def value(self, value: Any) -> Any:
        return value


class PointsColumn(NumColumn):
    """A change in percentage points shown signed (+1.20 pp, ``formatting.points``), exported
    as the number."""

    export_kind = Kind.POINTS

    def __init__(self, *args: Any, signed: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.signed = signed

    def render(self, value: Any) -> str:
        return formatting.points(value, signed=self.signed)

    def value(self, value: Any) -> Any:
        return value


class DateColumn(tables.Column):
    """A date or datetime in a Django date ``format`` (default 2026-03-24; an aware datetime in
    local time), through ``formatting.date``. Formatted in Python: django-tables2's DateColumn
    and DateTimeColumn compile a template for every cell, about a millisecond each. Exported as
    a real date (``yyyy-mm-dd``)."""

    export_kind = Kind.DATE

    def __init__(self, *args: Any, format: str = formatting.DATE_FORMAT, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.format = format

    def render(self, value: Any) -> str:
        return formatting.date(value, self.format)

    def value(self, value: Any) -> Any:
        return value


class PersonColumn(tables.Column):
    """A user shown by name (``formatting.person``: the profile's display name, else the full
    name, else the user name), on the page and in the export. The table's queryset selects the
    user's profile (``select_related("<field>__profile")``) so a page stays one query."""

    def render(self, value: Any) -> str:
        return formatting.person(value)

    def value(self, value: Any) -> Any:
        return formatting.person(value)


class CountyTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"))
    name = tables.Column(verbose_name=_("Name"))
    kind = tables.Column(verbose_name=_("Kind"))
    active = tables.BooleanColumn(verbose_name=_("Active"))

    class Meta:
        model = County
        fields = ("code", "name", "kind", "active")
        attrs = {"class": "table table-sm table-hover"}
        orderable = False


class BusinessLineTable(tables.Table):
    code = tables.Column(verbose_name=_("Code"))
    name = tables.Column(verbose_name=_("Name"))
    unit = tables.Column(verbose_name=_("Unit"))
    deposit_required = tables.BooleanColumn(verbose_name=_("Deposit required"))
    uses_terminal = tables.BooleanColumn(verbose_name=_("Uses a terminal"))

    class Meta:
        model = BusinessLine
        fields = ("code", "name", "unit", "deposit_required", "uses_terminal")
        attrs = {"class": "table table-sm table-hover"}
        orderable = False


class ImportJobTable(tables.Table):
    id = tables.Column(linkify=("import-detail", {"pk": tables.A("pk")}), verbose_name="#")
    dataset = tables.Column(verbose_name=_("Dataset"))
    file_name = tables.Column(verbose_name=_("File name"))
    status = tables.Column(verbose_name=_("Status"))
    rows = NumColumn(verbose_name=_("Rows"))
    applied = NumColumn(verbose_name=_("Written"))
    error_count = NumColumn(verbose_name=_("Errors"))
    created_by = PersonColumn(verbose_name=_("By"))
    county = tables.Column(accessor="county__code", verbose_name=_("County"))
    created_at = DateColumn(format=formatting.DATETIME_FORMAT, verbose_name=_("Uploaded"))

    def render_dataset(self, value: str) -> str:
        known = tabular.datasets().get(value)
        return str(known.label) if known else value

    def value_dataset(self, value: str) -> str:
        return self.render_dataset(value)

    class Meta:
        model = ImportJob
        fields = (
            "id",
            "dataset",
            "file_name",
            "status",
            "rows",
            "applied",
            "error_count",
            "created_by",
            "county",
            "created_at",
        )
        attrs = {"class": "table table-sm table-hover"}
        empty_text = _("No imports yet.")


class BriefingTable(tables.Table):
    subject = tables.Column(
        linkify=("briefing-detail", {"pk": tables.A("pk")}), verbose_name=_("Subject")
    )
    kind = tables.Column(verbose_name=_("Kind"))
    period = tables.Column(verbose_name=_("Period"))
    scope = tables.Column(verbose_name=_("Scope"), accessor="county__name", default=_("Whole city"))
    sent_at = DateColumn(format=formatting.DATETIME_FORMAT, verbose_name=_("Sent"))
    send_count = NumColumn(verbose_name=_("Times sent"))

    def render_period(self, value: str) -> str:
        return formatting.period(value)

    def value_period(self, value: str) -> str:
        return value  # ISO in the workbook, as in files

    class Meta:
        model = Briefing
        fields = ("subject", "kind", "period", "scope", "sent_at", "send_count")
        attrs = {"class": "table table-sm table-hover"}
        empty_text = _("No briefing has been sent yet.")
