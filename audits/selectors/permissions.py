"""Who may do what to an audit or a finding (docs/rules.md#audits). Every page, endpoint and
service asks these; scoping (another county → 404) is done before, by ``visible_to``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from audits.calculations import required_levels
from audits.models import Audit, Finding
from marketing_ops.access import (
    CITY_ROLES,
    Role,
    auditor_level,
    bound_county_id,
    has_role,
)

if TYPE_CHECKING:
    from marketing_ops.access import AnyUser


def _of_county(user: AnyUser, county_id: int) -> bool:
    return bound_county_id(user) == county_id


def is_city_staff(user: AnyUser) -> bool:
    return has_role(user, *CITY_ROLES)


def signing_level(user: AnyUser, audit: Audit) -> int | None:
    """The level at which ``user`` signs ``audit``, or None when they may not sign it: an
    auditor signs at their level when the cadence needs it; a level-1 auditor only for their
    own county."""
    return level_to_sign(user, audit.county_id, required_levels(audit.cadence))


def level_to_sign(user: AnyUser, county_id: int, levels: Sequence[int]) -> int | None:
    """The level at which ``user`` signs something of ``county_id`` signed off in ``levels``
    (an audit, a cash-flow reconciliation), or None: an auditor at their profile's level when
    it is one of ``levels``; level 1 only for their own county, levels 2 and 3 only city-wide."""
    if not has_role(user, Role.AUDITOR):
        return None
    level = auditor_level(user)
    if level is None or level not in levels:
        return None
    if level == 1 and not _of_county(user, county_id):
        return None
    if level >= 2 and bound_county_id(user) is not None:
        return None
    return level


def can_answer(user: AnyUser, audit: Audit) -> bool:
    """Checks are answered by the county's level-1 auditor or county staff."""
    if not _of_county(user, audit.county_id):
        return False
    if has_role(user, Role.COUNTY_STAFF):
        return True
    return has_role(user, Role.AUDITOR) and auditor_level(user) == 1


def can_open_finding(user: AnyUser, audit: Audit) -> bool:
    """An auditor who may sign the audit, or city staff."""
    return is_city_staff(user) or signing_level(user, audit) is not None


def can_reopen(user: AnyUser, audit: Audit) -> bool:
    return is_city_staff(user) and audit.finished


def can_rectify(user: AnyUser, finding: Finding) -> bool:
    """The owner, or county staff of the finding's county."""
    if finding.status != Finding.Status.OPEN:
        return False
    if finding.owner_id is not None and finding.owner_id == getattr(user, "pk", None):
        return True
    return has_role(user, Role.COUNTY_STAFF) and _of_county(user, finding.county_id)


def is_verifier(user: AnyUser) -> bool:
    """Auditors of level 2 or 3 verify (or reject) rectifications."""
    return has_role(user, Role.AUDITOR) and (auditor_level(user) or 0) >= 2


def can_verify(user: AnyUser, finding: Finding) -> bool:
    """A level-2 or level-3 auditor who did not rectify it."""
    return (
        finding.status == Finding.Status.RECTIFIED
        and is_verifier(user)
        and finding.rectified_by_id != getattr(user, "pk", None)
    )


def can_add_evidence(user: AnyUser, finding: Finding) -> bool:
    """Whoever works the finding: its owner, the county's staff and level-1 auditor, auditors
    of level 2 and 3, city staff. Managers only read."""
    if is_city_staff(user) or is_verifier(user):
        return True
    if finding.owner_id is not None and finding.owner_id == getattr(user, "pk", None):
        return True
    return _of_county(user, finding.county_id) and (
        has_role(user, Role.COUNTY_STAFF)
        or (has_role(user, Role.AUDITOR) and auditor_level(user) == 1)
    )
