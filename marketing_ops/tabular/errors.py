"""How an upload is refused: the errors of its rows and of the file as a whole."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class RowError:
    """One problem in an upload. ``row`` is None for problems with the file as a whole."""

    row: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def __str__(self) -> str:
        return f"{self.row if self.row is not None else '-'}, {self.column or '-'}, {self.message}"


class ImportRejected(Exception):
    """The file is rejected as a whole; ``errors`` says why."""

    def __init__(self, errors: list[RowError] | RowError, total: int | None = None):
        self.errors = [errors] if isinstance(errors, RowError) else list(errors)
        self.total = total if total is not None else len(self.errors)
        super().__init__("; ".join(str(e) for e in self.errors[:3]))


def file_error(message: str) -> ImportRejected:
    return ImportRejected(RowError(None, "", message))


def merged(*rejections: ImportRejected | None) -> ImportRejected | None:
    """Several sets of errors of one file as one, in row order (errors of the whole file
    first); None when none of them holds an error."""
    found = [r for r in rejections if r is not None and (r.errors or r.total)]
    if not found:
        return None
    errors = sorted(
        (e for r in found for e in r.errors), key=lambda e: (e.row is not None, e.row or 0)
    )
    return ImportRejected(errors[: settings.UPLOAD_MAX_ERRORS], sum(r.total for r in found))
