"""Datasets and their registry: what an upload may contain, and how it is written.

An app declares its datasets in its ``imports.py`` and ``register``s them; the upload pages, the
API and ``import_data`` find them here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise

from marketing_ops.access import has_role
from marketing_ops.models import BusinessLine, County
from marketing_ops.tabular.columns import Column
from marketing_ops.tabular.errors import ImportRejected

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from marketing_ops.access import AnyUser


@dataclass
class ImportContext:
    """What a dataset may know while importing: who, which job, lookups loaded once."""

    job: Any
    user: User | None  # None: the command line, importing for the whole city
    now: dt.datetime
    city_wide: bool
    county_id: int | None
    state: dict[str, Any] = field(default_factory=dict)
    _counties: dict[str, int] | None = None
    _lines: dict[str, int] | None = None

    @property
    def counties(self) -> dict[str, int]:
        if self._counties is None:
            self._counties = dict(County.objects.values_list("code", "id"))
        return self._counties

    @property
    def lines(self) -> dict[str, int]:
        if self._lines is None:
            self._lines = dict(BusinessLine.objects.values_list("code", "id"))
        return self._lines


class Dataset:
    """Subclass per dataset (docs/file-formats.md) and ``register`` it from the app's
    ``imports.py``.

    The default staging keeps validated rows in memory (fine for small datasets); large datasets
    override ``begin``/``stage``/``apply``/``discard`` to stream into a staging table.
    """

    name: ClassVar[str]
    label: ClassVar[str | Promise]
    columns: ClassVar[tuple[Column, ...]]
    #: Roles allowed to upload this dataset.
    roles: ClassVar[tuple[str, ...]] = ("city_admin",)
    #: Columns whose values must be unique within the file ("duplicate … also in row N").
    key_columns: ClassVar[tuple[str, ...]] = ()
    #: Run uploads from the page in the background (Celery) with a progress bar.
    run_async: ClassVar[bool] = False
    batch_size: ClassVar[int] = 5000
    #: Stage each row as ``(row_no, *values)`` so checks made later in SQL can name the row.
    stage_row_numbers: ClassVar[bool] = False
    description: ClassVar[str | Promise] = ""
    #: The dataset can take a CSV file straight into the database (``copy_csv`` and
    #: ``apply_copied``), validating it there; a file it declines takes the row-by-row pass.
    copies_csv: ClassVar[bool] = False

    def begin(self, ctx: ImportContext) -> None:
        ctx.state["rows"] = []

    def validate_row(self, values: tuple, ctx: ImportContext) -> list[tuple[str, str]]:
        """Rules across the columns of one row: ``[(column, message)]``."""
        return []

    def errors_across_rows(self, ctx: ImportContext) -> ImportRejected | None:
        """Errors that only the rows together show (duplicates, unknown accounts), found among
        the staged rows; None when there are none. Also run when other rows failed, so that a
        rejected file names all its errors at once: a dataset that defines it keeps staging
        the rows that parse after one fails."""
        return None

    def stage(self, batch: list[tuple], ctx: ImportContext) -> None:
        ctx.state["rows"].extend(batch)

    def apply(self, ctx: ImportContext) -> int:
        """Write everything staged; runs inside a transaction. Returns records written."""
        raise NotImplementedError  # every dataset defines its own write

    def discard(self, ctx: ImportContext) -> None:
        ctx.state.clear()

    def copy_csv(self, source: IO[bytes], header: CsvHeader, ctx: ImportContext) -> int | None:
        """Load a CSV file as it is (no row-by-row pass) and return its number of data rows, or
        None to decline it. Runs before the import's transaction; ``discard`` cleans up."""
        return None

    def apply_copied(self, ctx: ImportContext) -> int | None:
        """Check and write what ``copy_csv`` loaded, inside the import's transaction; return the
        records written, or None to decline the file (then everything done here is rolled back
        and the file takes the row-by-row pass, which names every error). Only a file the
        row-by-row pass would accept as it is may be written here."""
        return None

    @classmethod
    def column_names(cls) -> list[str]:
        return [c.name for c in cls.columns]

    @classmethod
    def index_of(cls, name: str) -> int:
        return cls.column_names().index(name)


_REGISTRY: dict[str, type[Dataset]] = {}


def register(dataset: type[Dataset]) -> type[Dataset]:
    """Class decorator: make a dataset available to upload pages, the API and ``import_data``."""
    _REGISTRY[dataset.name] = dataset
    return dataset


def get_dataset(name: str) -> type[Dataset]:
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise KeyError(f"unknown dataset {name!r}; known datasets: {known}")


def datasets() -> dict[str, type[Dataset]]:
    return dict(sorted(_REGISTRY.items()))


def datasets_for(user: AnyUser) -> list[type[Dataset]]:
    return [d for d in datasets().values() if has_role(user, *d.roles)]


def may_import(user: AnyUser, name: str) -> bool:
    """Whether ``user``'s role may upload the dataset ``name`` (a page offers its upload only
    then)."""
    dataset = datasets().get(name)
    return dataset is not None and has_role(user, *dataset.roles)


def template_headers(dataset: type[Dataset]) -> list[str]:
    return dataset.column_names()


def template_names(dataset: type[Dataset]) -> list[str]:
    """The columns' names in the active language: the second row of an upload template,
    which the importer skips (``is_names_row``)."""
    return [str(c.label) for c in dataset.columns]


def column_names_in_every_language(columns: Iterable[Column]) -> list[set[str]]:
    """For each column, what it may be called in a template's names row: its label in each
    of ``settings.LANGUAGES`` and its code, trimmed and lower case."""
    names: list[set[str]] = [{c.name.lower()} for c in columns]
    columns = list(columns)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for known, column in zip(names, columns, strict=True):
                known.add(str(column.label).strip().lower())
    return names


def is_names_row(
    cells: Sequence[Any], positions: Sequence[int | None], names: list[set[str]]
) -> bool:
    """Whether ``cells`` (the row under the header) is a template's names row: every non-blank
    cell under a dataset column is that column's name in some language, and at least one is."""
    found = False
    for position, known in zip(positions, names, strict=True):
        if position is None or position >= len(cells) or cells[position] is None:
            continue
        text = str(cells[position]).strip().lower()
        if not text:
            continue
        if text not in known:
            return False
        found = True
    return found


@dataclass(frozen=True)
class CsvHeader:
    """A CSV file's header as the pipeline matched it, for a dataset's ``copy_csv``."""

    names: list[str]  # the file's header cells, in file order
    positions: dict[str, int]  # dataset column name → position in the file (absent: missing)
    first_row: list[str]  # the first data row's cells (empty when the file has none)
