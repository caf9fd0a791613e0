"""Plans: create, decompose to counties, phase into months, publish; province standings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from marketing_ops.access import CITY_ROLES, has_role
from marketing_ops.bounds import INTEGER_MAX, SMALL_INTEGER_MAX
from marketing_ops.models import BusinessLine, County
from marketing_ops.money import CENT, has_fraction_of_a_cent
from revenue import calculations as calc
from revenue.models import (
    CountyMonthTarget,
    CountyTarget,
    Decomposition,
    MonthlyReport,
    PhasingProfile,
    Plan,
    ProvinceStanding,
    Rephasing,
)
from revenue.services.decomposition import decomposition_preview

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from marketing_ops.access import AnyUser

__all__ = [
    "PhasedCounty",
    "PhasingPreview",
    "current_weights",
    "phasing_preview",
    "phasing_profile_create",
    "plan_create",
    "plan_decompose",
    "plan_phase",
    "plan_publish",
    "plan_update",
    "province_standing_save",
]


def _require_city(user: AnyUser | None) -> None:
    if user is not None and not has_role(user, *CITY_ROLES):
        raise PermissionDenied(gettext("Only city staff manage plans."))


def _clean_money(value: Any, field: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError(
            {
                field: gettext("expected an amount like 1234.50, got %(value)s")
                % {"value": repr(value)}
            }
        )
    if not amount.is_finite() or amount < 0:
        raise ValidationError(
            {
                field: gettext("expected a non-negative amount, got %(value)s")
                % {"value": repr(value)}
            }
        )
    if has_fraction_of_a_cent(amount):
        raise ValidationError(
            {field: gettext("at most 2 decimal places, got %(value)s") % {"value": value}}
        )
    return amount.quantize(CENT)


def _clean_volume_targets(volume_targets: Mapping[str, Any] | None) -> dict[str, int]:
    volume_targets = dict(volume_targets or {})
    known = set(BusinessLine.objects.filter(active=True).values_list("code", flat=True))
    unknown = sorted(set(volume_targets) - known)
    if unknown:
        raise ValidationError(
            {
                "volume_targets": gettext("unknown business line: %(codes)s")
                % {"codes": ", ".join(unknown)}
            }
        )
    cleaned = {}
    for code, value in volume_targets.items():
        text = str(value).strip()
        if isinstance(value, bool) or not (text.isascii() and text.isdigit()):
            raise ValidationError(
                {"volume_targets": f"{code}: expected a whole number ≥ 0, got {value!r}"}
            )
        if int(text) > INTEGER_MAX:
            raise ValidationError(
                {
                    "volume_targets": gettext("%(code)s: at most %(max)s, got %(text)s")
                    % {"code": code, "max": INTEGER_MAX, "text": text}
                }
            )
        cleaned[code] = int(text)
    return cleaned


@transaction.atomic
def plan_create(
    *,
    year: int,
    revenue_target: Any,
    volume_targets: Mapping[str, Any] | None = None,
    user: User | None = None,
) -> Plan:
    """A draft plan for ``year`` with the provincial revenue and volume targets
    (docs/rules.md#annual-plan)."""
    _require_city(user)
    if not 2000 <= int(year) <= 2100:
        raise ValidationError(
            {
                "year": gettext("expected a year between 2000 and 2100, got %(year)s")
                % {"year": year}
            }
        )
    if Plan.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": gettext("a plan for %(year)s already exists") % {"year": year}}
        )
    return Plan.objects.create(
        year=year,
        revenue_target=_clean_money(revenue_target, "revenue_target"),
        volume_targets=_clean_volume_targets(volume_targets),
    )


@transaction.atomic
def plan_update(
    *,
    plan: Plan,
    revenue_target: Any,
    volume_targets: Mapping[str, Any] | None,
    user: User | None = None,
) -> Plan:
    """Change a draft plan's targets; a published plan changes only by a new decomposition."""
    _require_city(user)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_published:
        raise ValidationError(
            {
                "status": gettext(
                    "the plan is published: change its targets by decomposing with a reason"
                )
            }
        )
    plan.revenue_target = _clean_money(revenue_target, "revenue_target")
    plan.volume_targets = _clean_volume_targets(volume_targets)
    plan.save(update_fields=["revenue_target", "volume_targets", "updated_at"])
    return plan


@transaction.atomic
def plan_decompose(
    *,
    plan: Plan,
    method: str,
    weights: Mapping[str, Any] | None = None,
    amounts: Mapping[str, Mapping[str, Any]] | None = None,
    reason: str = "",
    revenue_target: Any = None,
    volume_targets: Mapping[str, Any] | None = None,
    user: User | None = None,
) -> Decomposition:
    """Split the plan over the active counties and re-phase every county
    (docs/rules.md#decomposition-to-counties).

    A published plan is re-decomposed only with a reason; the earlier decomposition stays in
    the history. New city targets (``revenue_target``/``volume_targets``) may come with it.
    """
    _require_city(user)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    reason = (reason or "").strip()
    if plan.is_published and not reason:
        raise ValidationError(
            {"reason": gettext("the plan is published: give a reason to re-decompose")}
        )
    new_revenue = None if revenue_target in (None, "") else _clean_money(revenue_target, "revenue")
    new_volumes = None if volume_targets is None else _clean_volume_targets(volume_targets)
    preview = decomposition_preview(
        plan=plan,
        method=method,
        weights=weights,
        amounts=amounts,
        revenue_target=new_revenue,
        volume_targets=new_volumes,
    )
    plan.revenue_target = preview.revenue_target
    plan.volume_targets = preview.volume_targets
    plan.save(update_fields=["revenue_target", "volume_targets", "updated_at"])
    plan.decompositions.filter(current=True).update(current=False)
    decomposition = Decomposition.objects.create(
        plan=plan,
        method=method,
        reason=reason,
        current=True,
        revenue_target=preview.revenue_target,
        volume_targets=preview.volume_targets,
        weights=preview.weights,
        allocations=preview.allocations(),
        created_by=user,
    )
    existing = {t.county_id: t for t in CountyTarget.objects.filter(plan=plan)}
    targets = []
    for row in preview.rows:
        target = existing.pop(row.county.pk, None) or CountyTarget(plan=plan, county=row.county)
        target.revenue_target = row.revenue
        target.volume_targets = row.volumes
        targets.append(target)
    CountyTarget.objects.filter(pk__in=[t.pk for t in existing.values()]).delete()
    CountyTarget.objects.bulk_create([t for t in targets if t.pk is None])
    CountyTarget.objects.bulk_update(
        [t for t in targets if t.pk is not None], ["revenue_target", "volume_targets"]
    )
    # Every county keeps the phasing it had (equal months for a new one).
    _write_months(CountyTarget.objects.filter(plan=plan).select_related("phasing_profile"))
    return decomposition


def _profile_weights(target: CountyTarget) -> tuple[list[Decimal] | None, list[Decimal] | None]:
    """(weights, explicit revenue amounts) from what the county was last phased with."""
    profile = target.phasing_profile
    if profile is not None and profile.kind == PhasingProfile.Kind.AMOUNTS:
        amounts = [Decimal(v) for v in profile.values]
        return amounts, amounts
    if target.phasing_weights:
        return [Decimal(v) for v in target.phasing_weights], None
    return None, None


def _months_for(target: CountyTarget) -> list[CountyMonthTarget]:
    weights, amounts = _profile_weights(target)
    try:
        if amounts is not None:
            calc.check_manual_money(target.revenue_target, dict(enumerate(amounts, start=1)))
            revenue = [a.quantize(CENT) for a in amounts]
        else:
            revenue = calc.phase_money(target.revenue_target, weights or calc.EQUAL_WEIGHTS)
        volume_weights = weights if weights and any(weights) else calc.EQUAL_WEIGHTS
        volumes = {
            code: calc.phase_units(int(total), volume_weights)
            for code, total in (target.volume_targets or {}).items()
        }
    except calc.AllocationError as exc:
        raise ValidationError({"weights": f"{target.county.code}: {exc}"})
    return [
        CountyMonthTarget(
            county_target=target,
            month=m,
            revenue_target=revenue[m - 1],
            volume_targets={code: months[m - 1] for code, months in volumes.items()},
        )
        for m in range(1, calc.MONTHS + 1)
    ]


def _write_months(targets: Sequence[CountyTarget] | Any) -> list[CountyTarget]:
    targets = list(targets)
    rows = [row for target in targets for row in _months_for(target)]
    CountyMonthTarget.objects.filter(county_target__in=targets).delete()
    CountyMonthTarget.objects.bulk_create(rows)
    return targets


def _clean_twelve(values: Sequence[Any], field: str) -> list[Decimal]:
    numbers = []
    for value in values:
        try:
            number = Decimal(str(value).strip())
        except ArithmeticError:
            raise ValidationError(
                {field: gettext("expected numbers, got %(value)s") % {"value": repr(value)}}
            )
        if not number.is_finite():
            raise ValidationError(
                {field: gettext("expected numbers, got %(value)s") % {"value": repr(value)}}
            )
        numbers.append(number)
    try:
        calc.check_twelve(numbers)
    except calc.AllocationError as exc:
        raise ValidationError({field: str(exc)})
    return numbers


@dataclass
class PhasedCounty:
    """One county's months before and after a phasing; ``kept`` months have an approved report
    and keep their target."""

    target: CountyTarget
    before: list[Decimal]
    after: list[Decimal]
    after_volumes: dict[str, list[int]]
    kept: list[int]

    @property
    def months(self) -> list[tuple[int, Decimal | None, Decimal, Decimal | None, bool]]:
        """(month, today's target or None, the new target, the change, kept) per month."""
        phased = len(self.before) == calc.MONTHS
        rows = []
        for m in range(1, calc.MONTHS + 1):
            before = self.before[m - 1] if phased else None
            after = self.after[m - 1]
            change = after - before if before is not None else None
            rows.append((m, before, after, change, m in self.kept))
        return rows


@dataclass
class PhasingPreview:
    """What a phasing would write, county by county, before anything is saved."""

    weights: list[Decimal] | None
    profile: PhasingProfile | None
    rows: list[PhasedCounty]


def current_weights(target: CountyTarget) -> list[Decimal]:
    """The county's current profile, the starting point of a new phasing: the weights (or
    profile) it was last phased with, equal months if it never was."""
    if target.phasing_weights:
        return [Decimal(v) for v in target.phasing_weights]
    if target.phasing_profile is not None:
        return [Decimal(v) for v in target.phasing_profile.values]
    return [Decimal(1)] * calc.MONTHS


def _profile_values(profile: PhasingProfile | None) -> list[Decimal]:
    if profile is None:
        return [Decimal(1)] * calc.MONTHS
    return [Decimal(v) for v in profile.values]


def phasing_preview(
    *,
    plan: Plan,
    weights: Sequence[Any] | None = None,
    profile: PhasingProfile | None = None,
    county: County | None = None,
) -> PhasingPreview:
    """The months a phasing would give (docs/rules.md#phasing): months with an approved report
    keep their targets, the rest of each annual target is spread over the other months. Three
    queries whatever the number of counties."""
    targets = list(
        CountyTarget.objects.filter(plan=plan)
        .select_related("county", "phasing_profile")
        .prefetch_related("months")
    )
    if county is not None:
        targets = [t for t in targets if t.county_id == county.pk]
    if not targets:
        raise ValidationError(
            {"county": gettext("decompose the plan to counties first; there is nothing to phase")}
        )
    if profile is None and weights is None:
        weights = list(calc.EQUAL_WEIGHTS)
    cleaned = _clean_twelve(weights, "weights") if profile is None and weights is not None else None
    if cleaned is not None and not any(cleaned):
        raise ValidationError({"weights": gettext("all 12 weights are zero")})
    approved: dict[int, set[int]] = {}
    for county_id, month in MonthlyReport.objects.filter(
        year=plan.year,
        status=MonthlyReport.Status.APPROVED,
        county_id__in=[t.county_id for t in targets],
    ).values_list("county_id", "month"):
        approved.setdefault(county_id, set()).add(month)
    rows = []
    for target in targets:
        months = {m.month: m for m in target.months.all()}
        kept = sorted(approved.get(target.county_id, set()) & set(months))
        shape = cleaned if cleaned is not None else _profile_values(profile)
        try:
            if profile is not None and profile.kind == PhasingProfile.Kind.AMOUNTS and not kept:
                amounts = [a.quantize(CENT) for a in shape]
                calc.check_manual_money(target.revenue_target, dict(enumerate(amounts, start=1)))
                revenue: list[Decimal | int] = list(amounts)
            else:
                revenue = calc.phase_keeping(
                    calc.REVENUE,
                    target.revenue_target,
                    shape,
                    {m: months[m].revenue_target for m in kept},
                )
            volume_shape = shape if any(shape) else [Decimal(w) for w in calc.EQUAL_WEIGHTS]
            volumes = {
                code: [
                    int(v)
                    for v in calc.phase_keeping(
                        code,
                        int(total),
                        volume_shape,
                        {m: int((months[m].volume_targets or {}).get(code, 0)) for m in kept},
                    )
                ]
                for code, total in (target.volume_targets or {}).items()
            }
        except calc.AllocationError as exc:
            raise ValidationError({"weights": f"{target.county.code}: {exc}"})
        rows.append(
            PhasedCounty(
                target=target,
                before=[months[m].revenue_target for m in sorted(months)],
                after=[Decimal(v) for v in revenue],
                after_volumes=volumes,
                kept=kept,
            )
        )
    return PhasingPreview(weights=cleaned, profile=profile, rows=rows)


@transaction.atomic
def plan_phase(
    *,
    plan: Plan,
    weights: Sequence[Any] | None = None,
    profile: PhasingProfile | None = None,
    county: County | None = None,
    reason: str = "",
    user: User | None = None,
) -> Rephasing:
    """Spread the annual targets over 12 months by weights or a named profile
    (docs/rules.md#phasing), and keep the phasing in the plan's history.

    ``county`` phases that county only; otherwise every county. Months with an approved report
    keep their targets; the months always sum exactly to the annual targets. A published plan
    is phased again only with a reason.
    """
    _require_city(user)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    reason = (reason or "").strip()
    if plan.is_published and not reason:
        raise ValidationError(
            {"reason": gettext("the plan is published: give a reason to phase it again")}
        )
    preview = phasing_preview(plan=plan, weights=weights, profile=profile, county=county)
    targets = [row.target for row in preview.rows]
    for target in targets:
        target.phasing_profile = profile
        target.phasing_weights = (
            [str(w) for w in preview.weights]
            if preview.weights is not None
            else ([str(v) for v in profile.values] if profile else None)
        )
    CountyMonthTarget.objects.filter(county_target__in=targets).delete()
    CountyMonthTarget.objects.bulk_create(
        CountyMonthTarget(
            county_target=row.target,
            month=m,
            revenue_target=row.after[m - 1],
            volume_targets={code: months[m - 1] for code, months in row.after_volumes.items()},
        )
        for row in preview.rows
        for m in range(1, calc.MONTHS + 1)
    )
    CountyTarget.objects.bulk_update(targets, ["phasing_profile", "phasing_weights"])
    return Rephasing.objects.create(
        plan=plan,
        county=county,
        profile_name=profile.name if profile else "",
        weights=[str(w) for w in preview.weights] if preview.weights is not None else [],
        reason=reason,
        kept_months={row.target.county.code: row.kept for row in preview.rows if row.kept},
        before={row.target.county.code: [str(a) for a in row.before] for row in preview.rows},
        after={row.target.county.code: [str(a) for a in row.after] for row in preview.rows},
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )


@transaction.atomic
def plan_publish(*, plan: Plan, user: User | None = None) -> Plan:
    """Publish a decomposed (and so phased) plan; from now on changes need a reason."""
    _require_city(user)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.is_published:
        raise ValidationError({"status": gettext("the plan is already published")})
    if not plan.decompositions.filter(current=True).exists():
        raise ValidationError(
            {"status": gettext("decompose the plan to counties before publishing")}
        )
    plan.status = Plan.Status.PUBLISHED
    plan.published_at = timezone.now()
    plan.published_by = user
    plan.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    return plan


@transaction.atomic
def phasing_profile_create(
    *,
    name: str,
    kind: str,
    values: Sequence[Any],
    description: str = "",
    user: User | None = None,
) -> PhasingProfile:
    _require_city(user)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": gettext("give the profile a name")})
    if PhasingProfile.objects.filter(name=name).exists():
        raise ValidationError(
            {"name": gettext("a profile named %(name)s already exists") % {"name": repr(name)}}
        )
    if kind not in PhasingProfile.Kind.values:
        raise ValidationError(
            {
                "kind": gettext("use one of %(values)s")
                % {"values": ", ".join(PhasingProfile.Kind.values)}
            }
        )
    numbers = _clean_twelve(values, "values")
    if not any(numbers):
        raise ValidationError({"values": gettext("all 12 values are zero")})
    if kind == PhasingProfile.Kind.AMOUNTS:
        numbers = [_clean_money(n, "values") for n in numbers]
    return PhasingProfile.objects.create(
        name=name, kind=kind, values=[str(n) for n in numbers], description=description
    )


@transaction.atomic
def province_standing_save(
    *,
    year: int,
    month: int,
    rank: int,
    cities: int,
    completion_rate: Any,
    note: str = "",
    user: User | None = None,
) -> ProvinceStanding:
    """Enter (or correct) the city's standing from the provincial bulletin
    (docs/rules.md#province-standing)."""
    _require_city(user)
    if not 1 <= int(month) <= 12:
        raise ValidationError(
            {"month": gettext("month must be 1..12, got %(month)s") % {"month": month}}
        )
    if not 1 <= int(cities) <= SMALL_INTEGER_MAX:
        raise ValidationError(
            {
                "cities": gettext("expected 1 to %(max)s cities, got %(cities)s")
                % {"max": SMALL_INTEGER_MAX, "cities": cities}
            }
        )
    if not 1 <= int(rank) <= int(cities):
        raise ValidationError(
            {
                "rank": gettext("rank must be between 1 and %(cities)s, got %(rank)s")
                % {"cities": cities, "rank": rank}
            }
        )
    try:
        completion = Decimal(str(completion_rate)).quantize(calc.RATE)
    except ArithmeticError:
        raise ValidationError(
            {
                "completion_rate": gettext("expected a rate like 0.4987, got %(value)s")
                % {"value": repr(completion_rate)}
            }
        )
    if completion < 0 or completion > 10:
        raise ValidationError({"completion_rate": gettext("expected a fraction like 0.4987")})
    standing, _ = ProvinceStanding.objects.update_or_create(
        year=year,
        month=month,
        defaults={
            "rank": rank,
            "cities": cities,
            "completion_rate": completion,
            "note": note,
            "entered_by": user,
        },
    )
    return standing
