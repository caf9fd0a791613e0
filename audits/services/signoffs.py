"""What every ordered sign-off shares (docs/rules.md#sign-off): the order rule, recording a
signature with its fingerprint, and voiding the sign-offs a later change made stale. Audits
(``services.audits``) and cash-flow reconciliations (``services.cashflow``) both sign through
these, on their own sign-off models (``models.SignOffBase``). Call them inside the transaction
that holds the signed object's row lock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy

from audits.calculations import next_level_of
from audits.models import SignOffBase

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

S = TypeVar("S", bound=SignOffBase)


class SignOffConflict(Exception):
    """A signature that does not fit the order or the state now (API: 409); the message names
    the level that is missing. A subclass words the messages for what it signs."""

    already_signed: StrOrPromise = gettext_lazy("Level %(level)d has already signed.")
    not_signed: StrOrPromise = gettext_lazy("Level %(missing)d has not signed passed yet.")


def live_results(signoffs: QuerySet[Any]) -> dict[int, str]:
    """``{level: result}`` of the standing sign-offs among ``signoffs`` (one signed object's)."""
    return dict(signoffs.filter(voided_at__isnull=True).values_list("level", "result"))


def check_order(
    *,
    levels: Sequence[int],
    live: dict[int, str],
    level: int,
    conflict: type[SignOffConflict] = SignOffConflict,
    finished: str | None = None,
) -> None:
    """Raise ``conflict`` unless ``level`` may sign now: it has not signed already, the object is
    not ``finished`` (the message to give when it is), and every level below signed ``passed``
    (the lowest that has not is named)."""
    if level in live:
        raise conflict(str(conflict.already_signed) % {"level": level})
    if finished:
        raise conflict(finished)
    missing = next_level_of(levels, live)
    if missing is not None and missing < level:
        raise conflict(str(conflict.not_signed) % {"missing": missing})


def signoff_create(
    model: type[S],
    *,
    level: int,
    user_id: int,
    result: str,
    note: str,
    fingerprint: str,
    now: dt.datetime,
    **signed: Any,
) -> S:
    """Record the signature of the user ``user_id`` at ``level`` on the object named in ``signed``
    (``audit=…``, ``reconciliation=…``)."""
    return model._default_manager.create(
        level=level,
        user_id=user_id,
        result=result,
        note=(note or "").strip(),
        fingerprint=fingerprint,
        signed_at=now,
        **signed,
    )


def signoffs_void_stale(
    model: type[SignOffBase],
    *,
    signed: str,
    fingerprints: Mapping[int, str],
    changes: Mapping[int, str],
    now: dt.datetime,
) -> int:
    """After a change to the objects ``fingerprints`` names (``{pk: its fingerprint now}``, the
    objects being what ``model``'s foreign key ``signed`` points to): void every standing
    sign-off whose fingerprint no longer matches, and every higher level's with it, naming the
    object's change in ``changes``. Returns how many were voided. Two queries for any number of
    objects; saving what was signed again voids nothing."""
    manager = model._default_manager
    live = manager.filter(**{f"{signed}__in": list(fingerprints)}, voided_at__isnull=True)
    first_stale: dict[int, int] = {}
    for pk, level, fingerprint in live.values_list(f"{signed}_id", "level", "fingerprint"):
        if fingerprint != fingerprints[pk]:
            first_stale[pk] = min(level, first_stale.get(pk, level))
    if not first_stale:
        return 0
    stale = reduce(
        or_, (Q(**{f"{signed}_id": pk, "level__gte": lvl}) for pk, lvl in first_stale.items())
    )
    change = Case(
        *(When(**{f"{signed}_id": pk}, then=Value(changes[pk][:300])) for pk in first_stale),
        output_field=CharField(),
    )
    return live.filter(stale).update(voided_at=now, voided_by_change=change)


def signoffs_void_all(signoffs: QuerySet[Any], *, change: str, now: dt.datetime) -> int:
    """Void every standing sign-off among ``signoffs``, naming ``change`` (kept, marked)."""
    return signoffs.filter(voided_at__isnull=True).update(
        voided_at=now, voided_by_change=change[:300]
    )
