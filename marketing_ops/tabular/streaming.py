"""The streaming parse: the header matched to the dataset's columns, every row parsed by its
column types and checked, valid rows handed to the dataset in batches while the file streams,
every error collected as ``row, column, message``."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from marketing_ops.tabular.columns import Column
from marketing_ops.tabular.dataset import (
    Dataset,
    ImportContext,
    column_names_in_every_language,
    is_names_row,
)
from marketing_ops.tabular.errors import ImportRejected, RowError, file_error


@dataclass
class _Bound:
    index: int
    column: Column
    parse: Callable[[Any], Any]


def _bind_header(
    header: list[Any] | tuple[Any, ...],
    dataset: Dataset | type[Dataset],
    ctx: ImportContext,
) -> list[_Bound | None]:
    names = [str(h).strip().lower() if h is not None else "" for h in header]
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for position, name in enumerate(names):
        if name and name in seen:
            errors.append(
                RowError(
                    1,
                    name,
                    _("column appears twice (columns %(first)s and %(second)s)")
                    % {"first": seen[name] + 1, "second": position + 1},
                )
            )
        seen.setdefault(name, position)
    bound: list[_Bound | None] = []
    for column in dataset.columns:
        index = seen.get(column.name.lower())
        if index is None:
            if column.required:
                errors.append(RowError(1, column.name, _("required column is missing")))
            bound.append(None)
        else:
            bound.append(_Bound(index, column, column.parser(ctx)))
    if errors:
        expected = ", ".join(c.name + ("" if c.required else "?") for c in dataset.columns)
        errors.append(RowError(1, "", _("expected columns: %(columns)s") % {"columns": expected}))
        raise ImportRejected(errors)
    return bound


def _fast_cell(column: Column, parse: Callable[[Any], Any]) -> Callable[[str], Any]:
    """A column's parser for text cells with the blank rule folded in (the CSV fast path)."""
    if column.blank:
        default = column.default
        return lambda raw: parse(raw) if raw else default
    if column.parse_rejects_blank:
        return parse  # an empty cell fails the parse; the slow path names the error

    def required(raw: str) -> Any:
        if raw:
            return parse(raw)
        raise ValueError(_("a value is required"))

    return required


def _stream(
    dataset: Dataset,
    rows: Iterator[Any],
    ctx: ImportContext,
    progress: Callable[[int], None],
    text_cells: bool = False,
) -> tuple[int, list[RowError], int]:
    """Validate every row and stage the valid ones; returns (rows, errors kept, error total).

    ``text_cells`` (CSV) enables a fast path: a row whose cells all parse is built in one
    comprehension; only a row that fails is parsed again cell by cell to name every error.
    """
    max_errors = settings.UPLOAD_MAX_ERRORS
    max_rows = settings.UPLOAD_MAX_ROWS
    max_cells = settings.UPLOAD_MAX_CELLS
    scanned = 0  # cells read, blank rows included (one each): the work is bounded, not the rows
    try:
        header = next(rows)
    except StopIteration:
        raise file_error(_("The file is empty: the header row is missing."))
    bound = _bind_header(header, dataset, ctx)
    plan = [
        (b.index, b.parse, b.column.name, b.column.blank, b.column.default) if b else None
        for b in bound
    ]
    # Columns absent from the header read an empty cell past the end of every row.
    fast_plan = [
        (b.index, _fast_cell(b.column, b.parse)) if b else (len(header) + 10**6, None)
        for b in bound
    ]
    has_missing = any(b is None for b in bound)
    fast = text_cells and not has_missing
    key_positions = [dataset.index_of(name) for name in dataset.key_columns]
    keys: dict[tuple, int] = {}
    check_row = type(dataset).validate_row is not Dataset.validate_row
    stage_all = type(dataset).errors_across_rows is not Dataset.errors_across_rows
    numbered = dataset.stage_row_numbers
    errors: list[RowError] = []
    error_total = 0
    batch: list[tuple] = []
    count = 0
    # An upload template's second header row (the columns' names in the user's language) is
    # skipped; the row numbers stay those the spreadsheet shows.
    positions = [b.index if b else None for b in bound]
    names = column_names_in_every_language(dataset.columns)
    first_row_no = 2
    for cells in rows:
        if not is_names_row(cells, positions, names):
            rows = itertools.chain([cells], rows)
        else:
            first_row_no = 3
        break
    for row_no, cells in enumerate(rows, start=first_row_no):
        scanned += len(cells) or 1
        if scanned > max_cells:
            raise file_error(
                _(
                    "The file has more than %(limit)s cells to read, blank ones included "
                    "(row %(row)s); delete the empty rows and columns around the table."
                )
                % {"limit": f"{max_cells:,}", "row": f"{row_no:,}"}
            )
        if not any(cells):
            continue  # a wholly empty line (often at the end of a spreadsheet) is not a row
        count += 1
        if count > max_rows:
            raise file_error(
                _("The file has more than %(limit)s rows.") % {"limit": f"{max_rows:,}"}
            )
        row = None
        if fast:
            try:
                # The fast path runs only when no column is missing, so no parse is None.
                row = tuple([parse(cells[index].strip()) for index, parse in fast_plan])  # type: ignore[misc]
            except (ValueError, IndexError):
                row = None
        if row is None:
            row_errors: list[RowError] = []
            row = _parse_row(cells, plan, row_no, row_errors)
            if row_errors:
                error_total += len(row_errors)
                errors.extend(row_errors[: max(max_errors - len(errors), 0)])
                continue
        if key_positions:
            key = tuple(row[p] for p in key_positions)
            first = keys.get(key)
            if first is not None:
                error_total += 1
                if len(errors) < max_errors:
                    shown = ", ".join(str(k) for k in key)
                    errors.append(
                        RowError(
                            row_no,
                            dataset.key_columns[0],
                            _("duplicate %(key)s: also in row %(row)s")
                            % {"key": shown, "row": first},
                        )
                    )
                continue
            keys[key] = row_no
        if check_row:
            problems = dataset.validate_row(row, ctx)
            if problems:
                error_total += len(problems)
                for column, message in problems:
                    if len(errors) < max_errors:
                        errors.append(RowError(row_no, column, message))
                continue
        if stage_all or not error_total:
            batch.append((row_no, *row) if numbered else row)
            if len(batch) >= dataset.batch_size:
                dataset.stage(batch, ctx)
                batch = []
                progress(count)
    if batch and (stage_all or not error_total):
        dataset.stage(batch, ctx)
    if count == 0:
        raise file_error(_("The file has a header but no data rows."))
    progress(count)
    return count, errors, error_total


def _parse_row(cells: Any, plan: list, row_no: int, errors: list[RowError]) -> tuple:
    """Parse one row cell by cell, collecting an error for every bad cell."""
    width = len(cells)
    values: list[Any] = []
    for step in plan:
        if step is None:
            values.append(None)
            continue
        index, parse, name, blank_ok, default = step
        raw = cells[index] if index < width else None
        if raw.__class__ is str:
            raw = raw.strip() or None  # type: ignore[union-attr]  # a str: checked by class above
        if raw is None:
            values.append(default)
            if not blank_ok:
                errors.append(RowError(row_no, name, _("a value is required")))
            continue
        try:
            values.append(parse(raw))
        except ValueError as exc:
            values.append(None)
            errors.append(RowError(row_no, name, str(exc)))
    return tuple(values)
