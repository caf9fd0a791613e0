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


@register.simple_tag
def table_rows(table: Any) -> SafeString:
    parts: list[str] = []
    for row in table.paginated_rows:
        parts.append(f"<tr {row.attrs.as_html()}>")
        for column, cell in row.items():
            parts.append(f"<td {column.attrs['td'].as_html()}>{_cell_html(column, cell)}</td>")
        parts.append("</tr>")
    if not parts and table.empty_text:
        return format_html(
            '<tr><td colspan="{}">{}</td></tr>', len(table.columns), table.empty_text
        )
    return mark_safe("".join(parts))  # every piece above is escaped or built from escaped parts
