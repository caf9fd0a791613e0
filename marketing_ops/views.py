"""Pages of the core: home, health, imports, briefing archive, API token, API docs."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import defaults
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.authtoken.models import Token

from marketing_ops import auth, formatting, pages, selectors, tabular, work
from marketing_ops.access import (
    CITY_ROLES,
    AuthenticatedHttpRequest,
    Role,
    get_visible_or_404,
    has_role,
    require_login,
    require_roles,
    visible_counties,
)
from marketing_ops.briefings import briefing_send
from marketing_ops.context_processors import navigation
from marketing_ops.filters import BriefingFilter, ImportJobFilter
from marketing_ops.forms import BriefingForm, UploadForm
from marketing_ops.models import Briefing
from marketing_ops.services import import_submit, profile_set_language
from marketing_ops.tables import BriefingTable, BusinessLineTable, CountyTable, ImportJobTable
from marketing_ops.xlsx import XLSX_CONTENT_TYPE, Kind, Sheet, xlsx_response


@require_login
def home(request: HttpRequest) -> HttpResponse:
    """The user's work, counted afresh (which refreshes the navigation's badges), the headline
    figures for managers, and the counties and business lines for the city administrator."""
    today = timezone.localdate()
    lists = work.collect_work(request.user, today)
    badges = work.remember_badges(request.user, lists)
    context: dict[str, Any] = {
        "work_lists": lists,
        "waiting": badges.get(work.TOTAL, 0),
        "figures": work.collect_figures(request.user, today),
    }
    if has_role(request.user, Role.CITY_ADMIN):
        context["counties"] = CountyTable(visible_counties(request.user))
        context["lines"] = BusinessLineTable(selectors.business_lines())
    return render(request, "core/home.html", context)


@require_login
def work_badges(request: HttpRequest) -> HttpResponse:
    """The navigation with the user's badges counted now, for a page that found none cached
    (``core/_nav.html`` asks for it once loaded; ``?path=`` is that page's, to mark its entry)."""
    badges = work.fresh_badges(request.user, timezone.localdate())
    path = request.GET.get("path", "/")
    context = {"nav_items": navigation(request.user, path, badges), "nav_badges_pending": False}
    return render(request, "core/_nav.html", context)


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    """Serve ``language`` from now on in this browser (``LocaleMiddleware`` reads the cookie)."""
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite="Lax",
        )
    return response


class SignInView(LoginView):
    """The login page; signing in brings back the language kept on the user's profile."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        profile = getattr(form.get_user(), "profile", None)
        return remember_language(response, profile.language) if profile else response


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """The language switch of every page: this browser's cookie (Django's ``set_language``,
    which also sends the user back to ``next``) and, for a signed-in user, their profile."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        profile_set_language(user=request.user, language=language)
    return response


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for a path that names nothing: the API answers it in JSON like its other 404s
    (``{"detail": …}``, docs/api.md#errors), the pages with the usual page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    status = selectors.health()
    healthy = status["database"] == "ok" and status["broker"] in ("ok", "eager")
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", **status}, status=200 if healthy else 503
    )


@require_login
def import_list(request: HttpRequest) -> HttpResponse:
    tabular.import_jobs_fail_stale()
    return pages.list_page(
        request,
        queryset=selectors.import_jobs_for(request.user),
        filterset_class=ImportJobFilter,
        table_class=ImportJobTable,
        title=_("Imports"),
        export_name="imports",
        template="core/import_list.html",
        extra={"can_upload": bool(tabular.datasets_for(request.user))},
    )


@require_login
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not tabular.datasets_for(request.user):
        raise PermissionDenied(_("Your role may not import data."))
    # Naming a dataset the role may not import is a forbidden action (403), not a form error.
    requested = request.POST.get("dataset") or request.GET.get("dataset")
    if requested in tabular.datasets() and not has_role(
        request.user, *tabular.get_dataset(requested).roles
    ):
        raise PermissionDenied(_("Your role may not import this dataset."))
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial={"dataset": request.GET.get("dataset")},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = import_submit(
            dataset=form.cleaned_data["dataset"],
            fileobj=upload,
            file_name=upload.name,
            user=request.user,
        )
        if job.status == job.Status.DONE:
            messages.success(
                request,
                ngettext(
                    "Imported %(rows)s row from %(file)s.",
                    "Imported %(rows)s rows from %(file)s.",
                    job.rows or 0,
                )
                % {"rows": formatting.count(job.rows or 0), "file": job.file_name},
            )
        elif job.status == job.Status.FAILED:
            messages.error(
                request, _("%(file)s was rejected; nothing was written.") % {"file": job.file_name}
            )
        else:
            messages.info(
                request,
                _("%(file)s was received; this page follows its import.") % {"file": job.file_name},
            )
        return redirect("import-detail", pk=job.pk)
    datasets = tabular.datasets_for(request.user)
    return render(request, "core/import_upload.html", {"form": form, "datasets": datasets})


@require_login
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tabular.import_jobs_fail_stale()
    job = get_visible_or_404(selectors.import_jobs_for(request.user), request.user, pk=pk)
    if pages.wants_xlsx(request):
        rows = [[e["row"], e["column"], e["message"]] for e in job.errors]
        headers = [_("Row"), _("Column"), _("Message")]
        return xlsx_response(
            f"import-{job.pk}-errors.xlsx",
            [Sheet(_("Errors"), headers, rows, kinds=[Kind.NUMBER, Kind.TEXT, Kind.TEXT])],
        )
    known = tabular.datasets().get(job.dataset)
    dataset_label = known.label if known else job.dataset
    return render(request, "core/import_detail.html", {"job": job, "dataset_label": dataset_label})


@require_login
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    tabular.import_jobs_fail_stale()
    job = get_visible_or_404(selectors.import_jobs_for(request.user), request.user, pk=pk)
    return render(request, "core/_import_progress.html", {"job": job})


@require_login
def import_template(request: HttpRequest, dataset: str) -> HttpResponse:
    try:
        dataset_cls = tabular.get_dataset(dataset)
    except KeyError:
        raise Http404("No such dataset.")
    # The codes the importer reads, then the names in the user's language as a second row
    # (skipped on import), and what each column takes as the header cells' comments.
    optional = _("optional")
    sheet = Sheet(
        str(dataset_cls.label),
        tabular.template_headers(dataset_cls),
        names=tabular.template_names(dataset_cls),
        notes=[
            f"{column.label}: {column.describe()}" + ("" if column.required else f" ({optional})")
            for column in dataset_cls.columns
        ],
    )
    return xlsx_response(f"{dataset}-template.xlsx", [sheet])


@require_login
def briefing_list(request: HttpRequest) -> HttpResponse:
    """The archive; city staff also preview and send a briefing from it."""
    can_send = has_role(request.user, *CITY_ROLES)
    return pages.list_page(
        request,
        queryset=selectors.briefings_for(request.user),
        filterset_class=BriefingFilter,
        table_class=BriefingTable,
        title=_("Briefings"),
        export_name="briefings",
        template="core/briefing_list.html",
        extra={"send_form": BriefingForm(prefix="send") if can_send else None},
    )


@require_roles(*CITY_ROLES)
def briefing_preview(request: HttpRequest) -> HttpResponse:
    """A briefing as it would be sent (nothing archived, nothing mailed), with its recipients,
    whether it was sent already, and the button that sends it."""
    form = BriefingForm(request.GET, prefix="send")
    if not form.is_valid():
        context = {"form": form, "draft": None, "archived": None}
        return render(request, "core/briefing_preview.html", context, status=400)
    period, county = form.cleaned_data["briefing_period"], form.cleaned_data["county"]
    draft = briefing_send(period, county, dry_run=True).briefing
    archived = Briefing.objects.filter(
        kind=period.kind, period=period.label, scope=draft.scope, sent_at__isnull=False
    ).first()
    send_form = BriefingForm(
        prefix="send",
        initial={"kind": period.kind, "period": period.label, "scope": draft.scope},
    )
    context = {"form": send_form, "draft": draft, "archived": archived, "period": period}
    return render(request, "core/briefing_preview.html", context)


@require_POST
@require_roles(*CITY_ROLES)
def briefing_send_page(request: HttpRequest) -> HttpResponse:
    """Send one briefing: archived and mailed once per kind × period × scope; a second send
    needs "send again" (force)."""
    form = BriefingForm(request.POST, prefix="send")
    if not form.is_valid():
        context = {"form": form, "draft": None, "archived": None}
        return render(request, "core/briefing_preview.html", context, status=400)
    data = form.cleaned_data
    period, county = data["briefing_period"], data["county"]
    result = briefing_send(period, county, force=data["force"])
    briefing = result.briefing
    if not result.sent:
        messages.warning(
            request,
            _(
                "This briefing was already sent on %(day)s to %(count)d recipients; nothing was "
                "sent now. Tick “Send again” to send it once more."
            )
            % {
                "day": formatting.date(briefing.sent_at),
                "count": len(briefing.recipients),
            },
        )
        query = urlencode(
            {"send-kind": period.kind, "send-period": period.label, "send-scope": briefing.scope}
        )
        return redirect(f"{reverse('briefing-preview')}?{query}")
    messages.success(
        request,
        ngettext(
            "%(subject)s sent to %(count)d recipient.",
            "%(subject)s sent to %(count)d recipients.",
            len(result.recipients),
        )
        % {"subject": briefing.subject, "count": len(result.recipients)},
    )
    return redirect("briefing-detail", pk=briefing.pk)


@require_login
def briefing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = get_visible_or_404(
        selectors.briefings_for(request.user).defer(None), request.user, pk=pk
    )
    return render(request, "core/briefing_detail.html", {"briefing": briefing})


@require_login
def briefing_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    briefing = get_visible_or_404(
        selectors.briefings_for(request.user).defer(None), request.user, pk=pk
    )
    if not briefing.xlsx:
        raise Http404("This briefing has no tables.")  # an empty body is not a workbook
    response = HttpResponse(bytes(briefing.xlsx), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="briefing-{briefing.kind}-{briefing.period}-{briefing.scope}.xlsx"'
    )
    return response


@require_login
def api_token(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's API token: see it and when it expires, issue a new one, or revoke it."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            auth.token_revoke(user=request.user)
            messages.success(request, _("Your API token was revoked."))
        else:
            auth.token_revoke(user=request.user)
            auth.token_issue(user=request.user, now=timezone.now())
            messages.success(request, _("A new API token was issued; the old one no longer works."))
        return redirect("api-token")
    token = Token.objects.filter(user=request.user).first()
    context = {
        "token": token,
        "expires_at": auth.token_expires_at(token) if token else None,
        "expired": token is not None and auth.token_is_expired(token, timezone.now()),
        "ttl_days": settings.API_TOKEN_TTL_DAYS,
    }
    return render(request, "registration/api_token.html", context)


# The split view serves Swagger UI's start-up script as a file of its own, so the docs page
# runs under the Content-Security-Policy (marketing_ops.security) without inline script.
_swagger = SpectacularSwaggerSplitView.as_view(url_name="schema")


def api_docs(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """The interactive API docs; in production only for signed-in users (else the login page)."""
    if not settings.API_DOCS_PUBLIC and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return _swagger(request, *args, **kwargs)
