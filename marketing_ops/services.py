"""Writes of the core: users and their roles, and the submission of uploads."""

from __future__ import annotations

import re
from functools import partial
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from marketing_ops import tabular
from marketing_ops.access import ALL_ROLES, Role
from marketing_ops.models import County, ImportJob, Profile
from marketing_ops.tasks import run_import_job

if TYPE_CHECKING:
    from django.contrib.auth.models import User


#: Roles whose users must belong to a county.
COUNTY_BOUND_ROLES = (Role.COUNTY_STAFF,)


@transaction.atomic
def user_create_or_update(
    *,
    username: str,
    role: str,
    county_code: str | None = None,
    auditor_level: int | None = None,
    password: str | None = None,
    email: str | None = None,
    full_name: str | None = None,
    display_name: str | None = None,
    phone: str | None = None,
) -> tuple[Any, bool]:
    """Create or update a user with exactly one role; returns (user, created).

    ``display_name`` (the name pages show, e.g. 张伟) and ``phone`` are kept on the profile; None
    leaves what the profile holds, an empty string clears it."""
    if role not in ALL_ROLES:
        raise ValidationError({"role": f"unknown role {role!r}; use one of {', '.join(ALL_ROLES)}"})
    county = None
    if county_code:
        county = County.objects.filter(code=county_code).first()
        if county is None:
            raise ValidationError({"county": f"unknown county code {county_code!r}"})
    if role in COUNTY_BOUND_ROLES and county is None:
        raise ValidationError({"county": f"a {role} user needs --county"})
    if role == Role.AUDITOR:
        if auditor_level not in (1, 2, 3):
            raise ValidationError({"auditor_level": "an auditor needs --auditor-level 1, 2 or 3"})
        if auditor_level == 1 and county is None:
            raise ValidationError({"county": "a level-1 auditor needs --county"})
    elif auditor_level is not None:
        raise ValidationError({"auditor_level": "only auditors have an auditor level"})
    profile_fields: dict[str, Any] = {"county": county, "auditor_level": auditor_level}
    if display_name is not None:
        profile_fields["display_name"] = _checked_display_name(display_name)
    if phone is not None:
        profile_fields["phone"] = _checked_phone(phone)
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    if password:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    if email is not None:
        user.email = email
    if full_name:
        user.first_name, _space, user.last_name = full_name.partition(" ")
    user.is_staff = role == Role.CITY_ADMIN
    user.is_superuser = role == Role.CITY_ADMIN
    user.is_active = True
    user.save()
    user.groups.set([Group.objects.get_or_create(name=role)[0]])
    Profile.objects.update_or_create(user=user, defaults=profile_fields)
    return user, created


#: A phone as people write it: digits, with an optional leading +, spaces, hyphens and brackets.
PHONE = re.compile(r"\+?[0-9][0-9 ()-]*[0-9]")
PHONE_DIGITS = (5, 20)


def _checked_display_name(value: str) -> str:
    name = " ".join(value.split())
    limit = Profile._meta.get_field("display_name").max_length or 100
    if len(name) > limit:
        raise ValidationError({"display_name": f"at most {limit} characters"})
    return name


def _checked_phone(value: str) -> str:
    phone = value.strip()
    if not phone:
        return ""
    limit = Profile._meta.get_field("phone").max_length or 30
    digits = sum(c.isdigit() for c in phone)
    if (
        len(phone) > limit
        or not PHONE.fullmatch(phone)
        or not PHONE_DIGITS[0] <= digits <= PHONE_DIGITS[1]
    ):
        example = "13812345678 or 0571-8765 4321"
        raise ValidationError(
            {"phone": f"expected a phone number such as {example}, got {phone!r}"}
        )
    return phone


def import_submit(
    *,
    dataset: str,
    fileobj: IO[bytes],
    file_name: str,
    user: User | None,
    background: bool | None = None,
) -> ImportJob:
    """Import an upload into ``dataset``: the one way in for the upload pages, the API and
    ``import_data`` (``user`` None: the command line, for the whole city).

    Checks who may and the file's limits and records an ImportJob (``tabular.accept_upload``).
    ``background`` (default: the dataset's ``run_async``) queues the job for a worker once the
    transaction commits and returns it queued; otherwise the job runs now and is returned
    finished (``done`` or ``failed``).
    """
    job = tabular.accept_upload(dataset, fileobj, file_name, user, background=background)
    if not job.finished:
        transaction.on_commit(partial(run_import_job.delay, job.pk))
    return job


def profile_set_language(*, user: User, language: str) -> Profile:
    """Keep ``language`` (one of ``settings.LANGUAGES``) as the user's interface language."""
    if language not in dict(settings.LANGUAGES):
        codes = ", ".join(dict(settings.LANGUAGES))
        raise ValidationError({"language": _("Use one of %(codes)s.") % {"codes": codes}})
    profile, _created = Profile.objects.update_or_create(user=user, defaults={"language": language})
    return profile
