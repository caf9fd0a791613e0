"""Random checks (docs/materials.md): each month, per county, a reproducible sample of the
terminals the
ledger places in the county (its warehouse, or installed at its accounts), and what the checker
found for each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from marketing_ops.access import WRITING_ROLES, Role, check_county, has_role
from marketing_ops.models import County
from marketing_ops.periods import Month
from materials.calculations import random_check_seed, sample_serials
from materials.models import RandomCheck, RandomCheckLine, Terminal, TerminalState

if TYPE_CHECKING:
    from django.contrib.auth.models import User

#: Where a sampled terminal may be: in a warehouse (new, recycled, faulty) or installed.
PLACED = (
    TerminalState.NEW,
    TerminalState.RECYCLED,
    TerminalState.FAULTY,
    TerminalState.INSTALLED,
)
CHECKER_ROLES = (*WRITING_ROLES, Role.AUDITOR)


def _placed_in(county: County) -> Q:
    # A terminal's county is its warehouse's, or for an installed one the county that issued
    # it (materials.models.Terminal).
    return Q(county=county, state__in=PLACED)


@transaction.atomic
def random_check_draw(*, user: User | None, county: County, month: Month) -> RandomCheck:
    """The county's check of ``month``: drawn once (``RANDOM_CHECK_SAMPLE`` serials, seeded by
    county and month); drawing again returns the same check. ``user`` None: the monthly task."""
    if user is not None:
        check_county(user, county)
        if not has_role(user, *CHECKER_ROLES):
            raise PermissionDenied(_("Your role may not draw random checks."))
    existing = RandomCheck.objects.filter(county=county, month=str(month)).first()
    if existing is not None:
        return existing
    seed = random_check_seed(county.code, str(month))
    places = {
        serial: (pk, code or account)
        for serial, pk, code, account in Terminal.objects.filter(_placed_in(county)).values_list(
            "serial", "pk", "warehouse__code", "account_no"
        )
    }
    sample = sample_serials(places, seed, settings.RANDOM_CHECK_SAMPLE)
    try:
        with transaction.atomic():
            check = RandomCheck.objects.create(
                county=county, month=str(month), seed=seed, created_by=user
            )
    except IntegrityError:  # drawn at the same moment elsewhere
        return RandomCheck.objects.get(county=county, month=str(month))
    RandomCheckLine.objects.bulk_create(
        RandomCheckLine(
            random_check=check,
            serial=serial,
            terminal_id=places[serial][0],
            expected_place=places[serial][1],
        )
        for serial in sample
    )
    return check


def random_checks_draw(*, month: Month) -> int:
    """Every active county's check of ``month`` (the monthly task); safe to run again."""
    made = 0
    for county in County.objects.filter(active=True):
        before = RandomCheck.objects.filter(county=county, month=str(month)).exists()
        random_check_draw(user=None, county=county, month=month)
        made += not before
    return made


@transaction.atomic
def random_check_record(
    *, user: User, line: RandomCheckLine, result: str, mode: str, note: str = ""
) -> RandomCheckLine:
    """Record what the checker found for one sampled serial: found, not found or in the wrong
    place, checked on site or remotely; recording again corrects it."""
    county_id = line.random_check.county_id
    check_county(user, county_id)
    if not has_role(user, *CHECKER_ROLES):
        raise PermissionDenied(_("Your role may not record random checks."))
    errors: dict[str, str] = {}
    if result not in RandomCheckLine.Result.values:
        errors["result"] = _("Use found, not_found or wrong_place.")
    if mode not in RandomCheckLine.Mode.values:
        errors["mode"] = _("Use on_site or remote.")
    if result == RandomCheckLine.Result.WRONG_PLACE and not (note or "").strip():
        errors["note"] = _("Say where the terminal was found.")
    if errors:
        raise ValidationError(errors)
    line = RandomCheckLine.objects.select_for_update().order_by().get(pk=line.pk)
    line.result, line.mode, line.note = result, mode, (note or "").strip()
    line.checked_by, line.checked_at = user, timezone.now()
    line.save(update_fields=["result", "mode", "note", "checked_by", "checked_at"])
    return line
