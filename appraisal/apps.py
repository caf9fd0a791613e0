from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class AppraisalConfig(AppConfig):
    name = "appraisal"
    verbose_name = _("Appraisal")
    # Navigation entries: (label, url name, roles allowed or () for everyone logged in).
    nav_items: tuple[tuple[StrOrPromise, str, tuple[str, ...]], ...] = (
        (_("Appraisal"), "appraisal:ranking", ()),
    )
