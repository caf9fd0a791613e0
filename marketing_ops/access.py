"""Roles and county scoping: the one place that decides what a user may see
(docs/roles-and-scoping.md#county-scoping).

Every queryset a user reads goes through ``visible_to(user)`` (or ``scope_queryset``), every
object lookup through ``get_visible_or_404``, every list of counties to choose from through
``visible_counties``. Denials are answered as docs/roles-and-scoping.md#county-scoping fixes them:
another county's object → 404,
a forbidden action on a visible object → 403, no login → 302 to the login page (pages) or 401
(API).

This module sits below the models: they build their querysets on ``CountyScopedQuerySet``. So it
imports no model; a user's profile is read through the user's ``profile`` relation, and the two
models it hands out (counties, the profile of a briefing's reader) come from the app registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from functools import wraps
from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from marketing_ops.models import County, Profile

    #: Whoever a request or a briefing is made for: a user, the anonymous visitor, or a
    #: briefing's reader (an unsaved user). ``User`` is the project's user model (settings keep
    #: Django's default), so this is what django-stubs gives ``request.user``.
    AnyUser = User | AnonymousUser

    class AuthenticatedHttpRequest(HttpRequest):
        """A request that ``require_login`` / ``require_roles`` let through: a signed-in user."""

        user: User

else:
    # At run time the names stay importable without loading the auth models this early.
    AnyUser = Any
    AuthenticatedHttpRequest = HttpRequest


class Role(StrEnum):
    CITY_ADMIN = "city_admin"
    CITY_STAFF = "city_staff"
    COUNTY_STAFF = "county_staff"
    AUDITOR = "auditor"
    MANAGER = "manager"


ALL_ROLES = tuple(Role)

#: What each role is called on pages (docs/language-and-formats.md), in the user's language.
ROLE_LABELS: dict[str, Any] = {
    Role.CITY_ADMIN: _("City administrator"),
    Role.CITY_STAFF: _("City staff"),
    Role.COUNTY_STAFF: _("County staff"),
    Role.AUDITOR: _("Auditor"),
    Role.MANAGER: _("Manager"),
}


def role_label(role: str) -> str:
    """The name of a role (its code when unknown), e.g. 县公司人员 / County staff."""
    return str(ROLE_LABELS.get(role, role))


#: Roles that may change city-wide data (plans, approvals, imports for any county, settings).
CITY_ROLES = (Role.CITY_ADMIN, Role.CITY_STAFF)
#: Roles that only read.
READ_ONLY_ROLES = (Role.MANAGER,)
#: Roles that enter data for their scope: fill in and submit reports, import files, record
#: collection work (county staff for their county, city roles for every county).
WRITING_ROLES = (Role.CITY_ADMIN, Role.CITY_STAFF, Role.COUNTY_STAFF)
#: Roles that may approve a transfer of arrears to bad debt: the city and its leadership.
APPROVER_ROLES = (Role.CITY_ADMIN, Role.CITY_STAFF, Role.MANAGER)


def roles_of(user: AnyUser) -> frozenset[str]:
    """The role names (Django groups) of a user; a superuser counts as city_admin."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_marketing_ops_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached |= {Role.CITY_ADMIN}
        # A cache on the user object for the rest of the request; not a model field.
        user._marketing_ops_roles = cached  # type: ignore[union-attr]
    return cached


def has_role(user: AnyUser, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def _profile(user: AnyUser) -> Profile | None:
    try:
        return user.profile  # type: ignore[union-attr]  # callers check is_authenticated
    except ObjectDoesNotExist:  # the user has no profile (Profile.DoesNotExist)
        return None


def bound_county_id(user: AnyUser) -> int | None:
    """The id of the county a user is bound to, or None for city-wide (or unbound) users."""
    profile = _profile(user) if getattr(user, "is_authenticated", False) else None
    return profile.county_id if profile else None


def user_county(user: AnyUser) -> County | None:
    profile = _profile(user) if getattr(user, "is_authenticated", False) else None
    return profile.county if profile and profile.county_id else None


def auditor_level(user: AnyUser) -> int | None:
    profile = _profile(user) if getattr(user, "is_authenticated", False) else None
    return profile.auditor_level if profile else None


def is_city_wide(user: AnyUser) -> bool:
    """True when the user may see every county.

    A user with a county on the profile is bound to it whatever the role. Without a county,
    city admins and staff, managers (company leadership) and auditors of level 2 or 3 are
    city-wide; anyone else (a county user whose county was never set) sees nothing rather
    than everything.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if bound_county_id(user) is not None:
        return False
    roles = roles_of(user)
    if roles & {Role.CITY_ADMIN, Role.CITY_STAFF, Role.MANAGER}:
        return True
    return Role.AUDITOR in roles and (auditor_level(user) or 0) >= 2


def briefing_reader(county: County | None) -> User:
    """Who a briefing is read as: a manager of ``county`` (its head) or of the whole city.

    An unsaved user holding only that role and county, so that briefings are scoped by this
    module exactly as the pages of the people who receive them.
    """
    profile_model = apps.get_model("marketing_ops", "Profile")
    user = get_user_model()(username=f"briefing-{county.code if county else 'city'}")
    user.profile = profile_model(user=user, county=county)
    user._marketing_ops_roles = frozenset({Role.MANAGER})  # type: ignore[attr-defined]  # see roles_of
    return user


_QuerySetT = TypeVar("_QuerySetT", bound="models.QuerySet[Any]")


def scope_queryset(
    queryset: _QuerySetT, user: AnyUser, county_lookup: str = "county"
) -> _QuerySetT:
    """Restrict ``queryset`` to what ``user`` may see; ``county_lookup`` leads to the county."""
    if is_city_wide(user):
        return queryset
    county_id = bound_county_id(user)
    if county_id is None or not getattr(user, "is_active", False):
        return queryset.none()
    return queryset.filter(**{county_lookup: county_id})


class CountyScopedQuerySet(models.QuerySet):
    """Base queryset for every model that belongs to a county.

    A model whose own ``county`` field is its county uses it as it is
    (``objects = CountyScopedQuerySet.as_manager()``); other models subclass it and name the
    path to the county in ``county_lookup`` (``"account__county"``, ``"pk"`` for County itself).
    """

    county_lookup = "county"

    def visible_to(self, user: AnyUser) -> Self:
        return scope_queryset(self, user, self.county_lookup)


def get_visible_or_404(queryset: models.QuerySet, user: AnyUser, **lookup: Any) -> Any:
    """Fetch one object the user may see; another county's object is simply not found (404)."""
    scoped = (
        queryset.visible_to(user)
        if hasattr(queryset, "visible_to")
        else scope_queryset(queryset, user)
    )
    try:
        return scoped.get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(f"No {queryset.model._meta.verbose_name} found.")


def visible_counties(user: AnyUser) -> models.QuerySet[County]:
    """The active counties ``user`` sees, in their order: the one list of counties for pages,
    filters, forms, imports and per-county figures."""
    county_model = apps.get_model("marketing_ops", "County")
    return county_model.objects.visible_to(user).filter(active=True)


def check_county(user: AnyUser, county: County | int | None) -> None:
    """Raise 404 when the user may not see ``county`` (None means "the whole city")."""
    county_id = getattr(county, "pk", county)
    if is_city_wide(user):
        return
    if county_id is None or county_id != bound_county_id(user):
        raise Http404("No county found.")


def require_roles(*roles: str) -> Callable:
    """Page decorator: anonymous → login redirect (302), a user without the role → 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if roles and not has_role(request.user, *roles):
                raise PermissionDenied(_("Your role does not allow this."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def require_login(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Page decorator for pages every logged-in role may open."""
    return require_roles()(view)


class RoleRequiredMixin:
    """Class-based pages: ``roles = (...)``; empty means any logged-in user."""

    roles: Iterable[str] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if self.roles and not has_role(request.user, *self.roles):
            raise PermissionDenied(_("Your role does not allow this."))
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]  # a mixin of a View
