"""Pages of the audits app."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from marketing_ops.pages import Crumb


def calendar_crumbs() -> list[Crumb]:
    """The breadcrumb back to the audit calendar, above every audits page but the calendar."""
    return [(_("Audit calendar"), reverse("audits:calendar"))]
