"""The page kit: list pages, form pages and the ``?export=xlsx`` path every app's pages use.

A list page is one call (filters, sorting, pagination and the xlsx of every filtered row as
sorted come with it)::

    @require_login
    def training_list(request: HttpRequest) -> HttpResponse:
        return pages.list_page(
            request,
            queryset=selectors.trainings_for(request.user),  # scoped by the selector
            filterset_class=filters.TrainingFilter,  # a marketing_ops.filters.BootstrapFilterSet
            table_class=tables.TrainingTable,
            title=_("Trainings and meetings"),
            export_name="trainings",
            create_url=reverse("revenue:training-create"),  # None when the role may not add
            create_label=_("New training or meeting"),
        )

A form page shows the form on GET and, on a valid POST, calls the service; a Django
``ValidationError`` the service raises is shown on the form's fields
(``marketing_ops.forms.add_service_errors``)::

    @require_login
    def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
        training = get_visible_or_404(selectors.trainings_for(request.user), request.user, pk=pk)
        pages.require(services.can_edit_city_records(request.user))  # else 403
        form = forms.TrainingForm(request.POST or None, instance=training)
        return pages.form_page(
            request,
            form,
            save=partial(services.training_update, user=request.user, training=training),
            success_message=_("Training saved."),
            success_url=lambda saved: reverse("revenue:training-detail", args=[training.pk]),
            title=_("Edit the training"),
            cancel_url=reverse("revenue:training-detail", args=[training.pk]),
        )

A page that draws its own template uses the same pieces: ``paginate(request, table)``,
``export_tables(request, name, [(table, title)])`` (or ``wants_xlsx(request)`` for a workbook
built another way), ``require(allowed)``, and the export link ``core/_export.html`` with
``export_query(request)`` as ``export_query`` in its context.
Templates: ``core/list.html`` (blocks ``actions`` and ``above_filters`` to extend),
``core/form.html``, ``core/_filter_bar.html``, ``core/_form_fields.html``,
``core/_breadcrumb.html`` (``breadcrumbs``: the (label, url) pairs above ``title``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig, Table

from marketing_ops.forms import add_service_errors
from marketing_ops.xlsx import table_sheet, xlsx_response

#: Rows per page of every paginated list.
PER_PAGE = 25

LIST_TEMPLATE = "core/list.html"
FORM_TEMPLATE = "core/form.html"

#: A link above a page's title: (label, url).
Crumb = tuple[str, str]


def require(allowed: bool) -> None:
    """A 403 unless ``allowed`` (the role or county check of the page's service)."""
    if not allowed:
        raise PermissionDenied(_("Your role does not allow this."))


def wants_xlsx(request: HttpRequest) -> bool:
    """``?export=xlsx``: the page's tables as a workbook instead of HTML."""
    return request.GET.get("export") == "xlsx"


def export_query(request: HttpRequest) -> str:
    """The query string of this page's xlsx: its filters and sorting, every page of rows."""
    params = request.GET.copy()
    params.pop("page", None)
    params["export"] = "xlsx"
    return params.urlencode()


def paginate(request: HttpRequest, table: Table, per_page: int = PER_PAGE) -> Table:
    """``table`` sorted by ``?sort=`` and cut to the page ``?page=`` asks for."""
    RequestConfig(request, paginate={"per_page": per_page}).configure(table)
    return table


def export_tables(
    request: HttpRequest, export_name: str, tables: Sequence[tuple[Table, str]]
) -> HttpResponse | None:
    """On ``?export=xlsx``, the workbook ``<export_name>.xlsx`` with one sheet per (table,
    sheet title): every row, sorted as the page is; otherwise None and the page is drawn::

        if exported := pages.export_tables(request, "plans", [(table, _("Plans"))]):
            return exported
    """
    if not wants_xlsx(request):
        return None
    for table, _title in tables:
        RequestConfig(request, paginate=False).configure(table)
    name = export_name if export_name.endswith(".xlsx") else f"{export_name}.xlsx"
    return xlsx_response(name, [table_sheet(table, title) for table, title in tables])


def list_page(
    request: HttpRequest,
    *,
    queryset: QuerySet[Any],
    filterset_class: type | None,
    table_class: type[Table],
    title: str,
    export_name: str,
    template: str = LIST_TEMPLATE,
    filterset_kwargs: Mapping[str, Any] | None = None,
    table_kwargs: Mapping[str, Any] | None = None,
    create_url: str | None = None,
    create_label: str = "",
    intro: str = "",
    breadcrumbs: Sequence[Crumb] = (),
    extra: Mapping[str, Any] | None = None,
    rows: Callable[[QuerySet[Any]], Any] | None = None,
    per_page: int = PER_PAGE,
) -> HttpResponse:
    """Filter bar, sortable table of ``per_page`` rows, ``?export=xlsx`` of all filtered rows.

    ``filterset_class`` gets ``request`` (and ``filterset_kwargs``); the export is one sheet
    named ``title``, in the order the page is sorted by, in ``<export_name>.xlsx``. A page
    that shows the filtered rows summed up (counts per county and rule, …) passes ``rows``: a
    selector from the filtered queryset to what the table shows.
    """
    filterset = None
    if filterset_class is not None:
        filterset_kwargs = {"request": request, **(filterset_kwargs or {})}
        filterset = filterset_class(request.GET, queryset=queryset, **filterset_kwargs)
        queryset = filterset.qs
    data = rows(queryset) if rows is not None else queryset
    table = table_class(data, **(table_kwargs or {}))
    if exported := export_tables(request, export_name, [(table, title)]):
        return exported
    paginate(request, table, per_page)
    context = {
        "title": title,
        "table": table,
        "filter": filterset,
        "export_query": export_query(request),
        "create_url": create_url,
        "create_label": create_label,
        "intro": intro,
        "breadcrumbs": breadcrumbs,
        **(extra or {}),
    }
    return render(request, template, context)


#: What ``save_form`` returns when the service refused the form's data.
NOT_SAVED: Any = object()


def save_form(form: BaseForm, save: Callable[..., Any], **kwargs: Any) -> Any:
    """``save(**kwargs, **form.cleaned_data)``; on its ``ValidationError`` the errors go onto
    the form and ``NOT_SAVED`` is returned. For pages that handle the POST themselves."""
    try:
        return save(**kwargs, **form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return NOT_SAVED


def form_page(
    request: HttpRequest,
    form: BaseForm,
    *,
    save: Callable[..., Any],
    success_message: str | Callable[[Any], str],
    success_url: str | Callable[[Any], str],
    title: str,
    cancel_url: str,
    template: str = FORM_TEMPLATE,
    breadcrumbs: Sequence[Crumb] = (),
    extra: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The form on GET; on a valid POST ``save(**form.cleaned_data)`` (a service), then a
    message and a redirect. The service's ``ValidationError`` lands on the form's fields and
    the form is shown again. ``success_message`` and ``success_url`` may be functions of what
    ``save`` returned."""
    if request.method == "POST" and form.is_valid():
        saved = save_form(form, save)
        if saved is not NOT_SAVED:
            text = success_message(saved) if callable(success_message) else success_message
            messages.success(request, text)
            return redirect(success_url(saved) if callable(success_url) else success_url)
    context = {
        "form": form,
        "title": title,
        "cancel_url": cancel_url,
        "breadcrumbs": breadcrumbs,
        **(extra or {}),
    }
    return render(request, template, context)
