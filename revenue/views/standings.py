"""The city's standing in the province: the months entered so far, and entering a month."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from marketing_ops import pages
from marketing_ops.access import CITY_ROLES, has_role, require_login
from revenue import tables
from revenue.forms import StandingForm
from revenue.selectors import standings
from revenue.services import plans
from revenue.views.common import last_month

#: Two years of months per page.
PER_PAGE = 24


@require_login
def standing_list(request: HttpRequest) -> HttpResponse:
    can_manage = has_role(request.user, *CITY_ROLES)
    default = last_month()
    form = StandingForm(
        request.POST or None, initial={"year": default.year, "month": default.month}
    )
    if request.method == "POST":
        pages.require(can_manage)
        if form.is_valid():
            saved = pages.save_form(form, plans.province_standing_save, user=request.user)
            if saved is not pages.NOT_SAVED:
                messages.success(request, _("Province standing saved."))
                return redirect("revenue:standings")
    table = tables.StandingTable(standings.province_standings())
    exported = pages.export_tables(
        request, "province-standing.xlsx", [(table, _("Province standing"))]
    )
    if exported:
        return exported
    pages.paginate(request, table, PER_PAGE)
    context = {
        "table": table,
        "form": form,
        "can_manage": can_manage,
        "export_query": pages.export_query(request),
    }
    return render(request, "revenue/standing_list.html", context)
