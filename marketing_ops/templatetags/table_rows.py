"""``{% table_rows table %}``: the ``<tr>`` rows of a django-tables2 table, built in Python.

django-tables2's templates draw each cell through half a dozen template lookups and filters
(``column.attrs.td.as_html``, ``column.localize``, ``cell``…), about 0.15 ms a cell: most of the
time of a page with a long table. This tag writes the same markup (row attributes, cell
attributes, the cell escaped or localised exactly as the template does, the empty text) directly.
Used by ``templates/tables/*.html``, which extend django-tables2's Bootstrap 5 templates.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import formats
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _cell_html(column: Any, cell: Any) -> str:
    # As the template: {{ cell }}, {{ cell|localize }} or {{ cell|unlocalize }}, autoescaped.
    if column.localize is None:
        return conditional_escape(cell)
    return conditional_escape(str(formats.localize(cell, use_l10n=bool(column.localize))))


def _fixed_td_attrs(column: Any) -> str | None:
    """A column's ``<td>`` attributes as HTML when no row changes them (no callable among the
    table's and the column's ``td``/``cell`` attributes), else None. django-tables2 builds them
    afresh for every cell, which is a fifth of the time of a long table."""
    for attrs in (column._table.attrs, column.column.attrs):
        for key in ("td", "cell"):
            if any(callable(value) for value in (attrs.get(key) or {}).values()):
                return None
    return column.attrs["td"].as_html()


@register.simple_tag
def table_rows(table: Any) -> SafeString:
    parts: list[str] = []
    fixed: dict[str, str | None] = {}
    for row in table.paginated_rows:
        parts.append(f"<tr {row.attrs.as_html()}>")
        for column, cell in row.items():
            if column.name not in fixed:
                fixed[column.name] = _fixed_td_attrs(column)
            td = fixed[column.name]
            if td is None:
                td = column.attrs["td"].as_html()
            parts.append(f"<td {td}>{_cell_html(column, cell)}</td>")
        parts.append("</tr>")
    if not parts and table.empty_text:
        return format_html(
            '<tr><td colspan="{}">{}</td></tr>', len(table.columns), table.empty_text
        )
    return mark_safe("".join(parts))  # every piece above is escaped or built from escaped parts
