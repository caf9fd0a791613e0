"""On-site verifications (docs/rules.md#on-site-verifications): record and edit a visit, add its
follow-ups and mark them done."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits.models import FollowUp, OnSiteVerification
from audits.selectors import onsite as reads
from marketing_ops import formatting
from marketing_ops.access import bound_county_id, is_city_wide
from marketing_ops.models import County

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from marketing_ops.access import AnyUser

RECORDERS = gettext_lazy("On-site verifications are recorded by auditors and city staff.")


def _texts(*, scope: str, participants: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not (scope or "").strip():
        errors["scope"] = _("Say what the verification looked at.")
    if not (participants or "").strip():
        errors["participants"] = _("Name who took part.")
    return errors


@transaction.atomic
def onsite_create(
    *,
    user: User,
    county: County,
    date: dt.date,
    scope: str,
    participants: str,
    result: str = "",
) -> OnSiteVerification:
    """Record an on-site verification of ``county`` (done, or planned with no result yet)."""
    if not reads.may_record(user):
        raise PermissionDenied(RECORDERS)
    errors = _texts(scope=scope, participants=participants)
    if not county.active or not (is_city_wide(user) or bound_county_id(user) == county.pk):
        errors["county"] = _("You do not record verifications of %(county)s.") % {
            "county": county.name
        }
    if errors:
        raise ValidationError(errors)
    return OnSiteVerification.objects.create(
        county=county,
        date=date,
        scope=scope.strip(),
        participants=participants.strip(),
        result=(result or "").strip(),
        created_by=user,
    )


@transaction.atomic
def onsite_update(
    *,
    verification: OnSiteVerification,
    user: AnyUser,
    date: dt.date,
    scope: str,
    participants: str,
    result: str = "",
) -> OnSiteVerification:
    """Edit a verification's date, scope, participants and result (its county stays)."""
    if not reads.may_record(user, verification.county_id):
        raise PermissionDenied(RECORDERS)
    errors = _texts(scope=scope, participants=participants)
    if errors:
        raise ValidationError(errors)
    verification = OnSiteVerification.objects.select_for_update().get(pk=verification.pk)
    verification.date = date
    verification.scope = scope.strip()
    verification.participants = participants.strip()
    verification.result = (result or "").strip()
    verification.save(update_fields=["date", "scope", "participants", "result", "updated_at"])
    return verification


@transaction.atomic
def follow_up_add(
    *,
    verification: OnSiteVerification,
    user: AnyUser,
    description: str,
    owner: str,
    due_on: dt.date,
) -> FollowUp:
    """Add a follow-up owned by ``owner`` (the username of a user of the verification's
    county), due on ``due_on``."""
    if not reads.may_record(user, verification.county_id):
        raise PermissionDenied(RECORDERS)
    errors: dict[str, str] = {}
    if not (description or "").strip():
        errors["description"] = _("Say what has to be done.")
    owner_user = reads.county_users(verification.county_id).filter(username=owner).first()
    if owner_user is None:
        errors["owner"] = _("%(owner)s is not a user of %(county)s.") % {
            "owner": owner,
            "county": verification.county.name,
        }
    if due_on < verification.date:
        errors["due_on"] = _("A follow-up cannot be due before the verification (%(day)s).") % {
            "day": formatting.date(verification.date)
        }
    if errors:
        raise ValidationError(errors)
    assert owner_user is not None
    return FollowUp.objects.create(
        verification=verification,
        description=description.strip(),
        owner=owner_user,
        due_on=due_on,
    )


@transaction.atomic
def follow_up_done(*, follow_up: FollowUp, user: User) -> FollowUp:
    """Mark a follow-up done, with who and when: its owner, county staff of the county,
    auditors and city staff."""
    if not reads.may_mark_done(user, follow_up):
        raise PermissionDenied(
            _("A follow-up is marked done by its owner, county staff, auditors or city staff.")
        )
    locked = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if locked.done:
        raise ValidationError({"done": _("This follow-up is already done.")})
    locked.done = True
    locked.done_at = timezone.now()
    locked.done_by = user
    locked.save(update_fields=["done", "done_at", "done_by"])
    locked.verification = follow_up.verification
    return locked
