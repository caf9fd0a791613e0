"""Writes of the business development activities (docs/rules.md#business-development-activities),
and who may make them.

City staff and admins write everything; county staff write the cases and field visits (with
their follow-ups) of their own county; managers and auditors only read. Callers have already
fetched the object through ``get_visible_or_404`` (another county's record is a 404 there);
these functions answer a forbidden write with ``PermissionDenied`` (403).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from marketing_ops import formatting
from marketing_ops.access import CITY_ROLES, Role, bound_county_id, has_role, is_city_wide
from marketing_ops.models import County
from marketing_ops.money import CENT
from revenue.models import (
    CaseTag,
    FieldVisit,
    FollowUpAction,
    MarketingCase,
    TariffPackage,
    Training,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from marketing_ops.access import AnyUser

# The tag's name is a CharField: it has a max_length (get_field is typed as any field).
MAX_TAG_LENGTH = cast(int, CaseTag._meta.get_field("name").max_length)


# --- who may write -------------------------------------------------------------------------


def can_edit_city_records(user: AnyUser) -> bool:
    """Packages and trainings are the city's: only city staff and admins write them."""
    return has_role(user, *CITY_ROLES)


def can_edit_county_records(user: AnyUser, county: County | int | None = None) -> bool:
    """Cases and visits: city roles for any county, county staff for their own county.

    Without ``county`` the question is "may this user create one at all".
    """
    if has_role(user, *CITY_ROLES) and is_city_wide(user):
        return True
    if not has_role(user, *CITY_ROLES, Role.COUNTY_STAFF):
        return False
    own = bound_county_id(user)
    if own is None:
        return False
    return county is None or getattr(county, "pk", county) == own


def can_complete_follow_up(user: AnyUser, action: FollowUpAction) -> bool:
    """Whoever may edit the visit, and the action's owner, may mark it done."""
    return action.owner_id == user.pk or can_edit_county_records(user, action.visit.county_id)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(gettext("Your role does not allow this."))


def owner_candidates(county: County | int) -> QuerySet:
    """Users who may own a follow-up of a visit to ``county``: its people and city-wide users."""
    county_id = getattr(county, "pk", county)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(profile__county_id=county_id) | Q(profile__county__isnull=True))
        .select_related("profile")
        .order_by("username")
    )


# --- validation shared by forms, API and services -------------------------------------------


def parse_tags(text: str | Iterable[str]) -> list[str]:
    """``"Campus, broadband ,campus"`` → ``["broadband", "campus"]`` (lower case, unique)."""
    parts = re.split(r"[,;，]", text) if isinstance(text, str) else list(text)
    names = {" ".join(part.split()).lower() for part in parts}
    names.discard("")
    too_long = sorted(name for name in names if len(name) > MAX_TAG_LENGTH)
    if too_long:
        raise ValidationError(
            {
                "tags": gettext("A tag has at most %(max)s characters: %(tag)s.")
                % {"max": MAX_TAG_LENGTH, "tag": repr(too_long[0])}
            }
        )
    return sorted(names)


def tariff_package_check(
    *, status: str, applied_on: dt.date | None, approved_on: dt.date | None, **_: Any
) -> None:
    """The dates a package's status needs (the database holds the same rules)."""
    errors: dict[str, str] = {}
    if status != TariffPackage.Status.DRAFT and applied_on is None:
        errors["applied_on"] = gettext("Give the date the package was applied to the province.")
    if status == TariffPackage.Status.APPROVED and approved_on is None:
        errors["approved_on"] = gettext("An approved package needs its approval date.")
    if approved_on and applied_on and approved_on < applied_on:
        errors["approved_on"] = gettext(
            "The approval date %(approved)s is before the application date %(applied)s."
        ) % {"approved": formatting.date(approved_on), "applied": formatting.date(applied_on)}
    if errors:
        raise ValidationError(errors)


def follow_up_check(*, county: County | int, owner: User | None, **_: Any) -> None:
    """The owner is someone of the visited county or a city-wide user."""
    if owner is not None and not owner_candidates(county).filter(pk=owner.pk).exists():
        raise ValidationError(
            {"owner": gettext("The owner must be a user of the visited county or of the city.")}
        )


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT)


def _assign(instance: Any, fields: dict[str, Any]) -> list[str]:
    for name, value in fields.items():
        setattr(instance, name, value)
    return [*fields, "updated_at"]


# --- tariff packages -----------------------------------------------------------------------

PACKAGE_FIELDS = ("name", "monthly_fee", "description", "applied_on", "approved_on", "status")


@transaction.atomic
def tariff_package_create(
    *, user: User, counties: Iterable[County] = (), **fields: Any
) -> TariffPackage:
    """Record a tariff package and the counties promoting it."""
    _require(can_edit_city_records(user))
    tariff_package_check(**fields)
    fields["monthly_fee"] = _money(fields["monthly_fee"])
    package = TariffPackage.objects.create(created_by=user, **fields)
    package.counties.set(counties)
    return package


@transaction.atomic
def tariff_package_update(
    *,
    user: User,
    package: TariffPackage,
    counties: Iterable[County] | None = None,
    **fields: Any,
) -> TariffPackage:
    _require(can_edit_city_records(user))
    package = TariffPackage.objects.select_for_update().get(pk=package.pk)
    merged = {name: fields.get(name, getattr(package, name)) for name in PACKAGE_FIELDS}
    tariff_package_check(**merged)
    if "monthly_fee" in fields:
        fields["monthly_fee"] = _money(fields["monthly_fee"])
    package.save(update_fields=_assign(package, fields))
    if counties is not None:
        package.counties.set(counties)
    return package


# --- trainings and meetings ----------------------------------------------------------------


@transaction.atomic
def training_create(*, user: User, counties: Iterable[County] = (), **fields: Any) -> Training:
    """Record a training or meeting and the counties it was held for."""
    _require(can_edit_city_records(user))
    training = Training.objects.create(created_by=user, **fields)
    training.counties.set(counties)
    return training


@transaction.atomic
def training_update(
    *, user: User, training: Training, counties: Iterable[County] | None = None, **fields: Any
) -> Training:
    _require(can_edit_city_records(user))
    training = Training.objects.select_for_update().get(pk=training.pk)
    training.save(update_fields=_assign(training, fields))
    if counties is not None:
        training.counties.set(counties)
    return training


# --- marketing cases -----------------------------------------------------------------------


def _tags_for(names: list[str]) -> list[CaseTag]:
    existing = {tag.name: tag for tag in CaseTag.objects.filter(name__in=names)}
    missing = [CaseTag(name=name) for name in names if name not in existing]
    # ignore_conflicts: two users adding the same new tag at once both succeed.
    CaseTag.objects.bulk_create(missing, ignore_conflicts=True)
    return list(CaseTag.objects.filter(name__in=names)) if missing else list(existing.values())


def marketing_case_check(*, county: County, title: str, exclude_pk: int | None = None) -> None:
    """A county's case titles are unique, whatever their case ("Campus" = "campus")."""
    duplicates = MarketingCase.objects.filter(county=county, title__iexact=title.strip())
    if exclude_pk is not None:
        duplicates = duplicates.exclude(pk=exclude_pk)
    if duplicates.exists():
        raise ValidationError(
            {
                "title": gettext("%(code)s already has a case titled %(title)s.")
                % {"code": county.code, "title": repr(title)}
            }
        )


@transaction.atomic
def marketing_case_create(
    *, user: User, county: County, tags: str | Iterable[str] = "", **fields: Any
) -> MarketingCase:
    """Add a case to the library; ``tags`` is comma-separated text or a list of names."""
    _require(can_edit_county_records(user, county))
    marketing_case_check(county=county, title=fields["title"])
    tag_names = parse_tags(tags)
    if "revenue_gain" in fields:
        fields["revenue_gain"] = _money(fields["revenue_gain"])
    case = MarketingCase.objects.create(county=county, created_by=user, **fields)
    case.tags.set(_tags_for(tag_names))
    return case


@transaction.atomic
def marketing_case_update(
    *,
    user: User,
    case: MarketingCase,
    tags: str | Iterable[str] | None = None,
    **fields: Any,
) -> MarketingCase:
    # Re-read the row: a bound form may already have changed the instance in memory.
    case = MarketingCase.objects.select_for_update().select_related("county").get(pk=case.pk)
    _require(can_edit_county_records(user, case.county_id))
    county = fields.get("county", case.county)
    # Moving a case to another county needs the right to write in that county too.
    _require(can_edit_county_records(user, county))
    marketing_case_check(county=county, title=fields.get("title", case.title), exclude_pk=case.pk)
    if "revenue_gain" in fields:
        fields["revenue_gain"] = _money(fields["revenue_gain"])
    case.save(update_fields=_assign(case, fields))
    if tags is not None:
        case.tags.set(_tags_for(parse_tags(tags)))
    return case


# --- field visits and follow-ups -----------------------------------------------------------


@transaction.atomic
def field_visit_create(*, user: User, county: County, **fields: Any) -> FieldVisit:
    """Record a field visit or market research trip to ``county``."""
    _require(can_edit_county_records(user, county))
    return FieldVisit.objects.create(county=county, created_by=user, **fields)


@transaction.atomic
def field_visit_update(*, user: User, visit: FieldVisit, **fields: Any) -> FieldVisit:
    visit = FieldVisit.objects.select_for_update().get(pk=visit.pk)
    _require(can_edit_county_records(user, visit.county_id))
    county = fields.get("county", visit.county_id)
    _require(can_edit_county_records(user, county))
    if getattr(county, "pk", county) != visit.county_id:
        # Owners were chosen among the old county's people; they must still fit.
        owners = owner_candidates(county).values("pk")
        misfits = visit.follow_ups.exclude(owner__in=owners).select_related("owner")
        names = sorted({action.owner.username for action in misfits})
        if names:
            raise ValidationError(
                {
                    "county": gettext(
                        "Follow-up owners %(names)s do not belong to that county; "
                        "change the owners first."
                    )
                    % {"names": ", ".join(names)}
                }
            )
    visit.save(update_fields=_assign(visit, fields))
    return visit


def follow_up_done_fields(done: bool, done_on: dt.date | None, today: dt.date) -> dict[str, Any]:
    """A done action keeps the date it was done (today unless given); an open one has none."""
    return {"done": done, "done_on": (done_on or today) if done else None}


@transaction.atomic
def follow_up_create(
    *,
    user: User,
    visit: FieldVisit,
    description: str,
    owner: User,
    due_on: dt.date,
    today: dt.date,
    done: bool = False,
    done_on: dt.date | None = None,
) -> FollowUpAction:
    """Add a follow-up action to a visit."""
    _require(can_edit_county_records(user, visit.county_id))
    follow_up_check(county=visit.county_id, owner=owner)
    return FollowUpAction.objects.create(
        visit=visit,
        description=description,
        owner=owner,
        due_on=due_on,
        **follow_up_done_fields(done, done_on, today),
    )


@transaction.atomic
def follow_up_update(
    *, user: User, action: FollowUpAction, today: dt.date, **fields: Any
) -> FollowUpAction:
    action = FollowUpAction.objects.select_for_update().select_related("visit").get(pk=action.pk)
    _require(can_edit_county_records(user, action.visit.county_id))
    done = fields.pop("done", action.done)
    done_on = fields.pop("done_on", action.done_on if done else None)
    follow_up_check(county=action.visit.county_id, owner=fields.get("owner", action.owner))
    fields.update(follow_up_done_fields(done, done_on, today))
    action.save(update_fields=_assign(action, fields))
    return action


@transaction.atomic
def follow_up_complete(*, user: User, action: FollowUpAction, today: dt.date) -> FollowUpAction:
    """Mark an action done today; marking a done action again keeps its first date."""
    _require(can_complete_follow_up(user, action))
    action = FollowUpAction.objects.select_for_update().get(pk=action.pk)
    if not action.done:
        action.done, action.done_on = True, today
        action.save(update_fields=["done", "done_on", "updated_at"])
    return action
