"""Finding pages: the list, opening one on an audit, one finding (rectify, verify, reject,
evidence revisions) and the download of an evidence file."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audits.filters import FindingFilter
from audits.forms import EvidenceForm, FindingForm, NoteForm, ReasonForm
from audits.models import Audit, Finding
from audits.selectors import findings as reads
from audits.selectors import permissions
from audits.services import findings as writes
from audits.tables import FindingTable
from audits.views import calendar_crumbs
from marketing_ops import pages
from marketing_ops.access import get_visible_or_404, require_login
from marketing_ops.formatting import person_choice


@require_login
def finding_list(request: HttpRequest) -> HttpResponse:
    return pages.list_page(
        request,
        queryset=reads.finding_queryset(request.user),
        filterset_class=FindingFilter,
        table_class=FindingTable,
        title=_("Findings"),
        export_name="findings",
        breadcrumbs=calendar_crumbs(),
    )


@require_login
def finding_create(request: HttpRequest, pk: int) -> HttpResponse:
    audit = get_visible_or_404(Audit.objects.select_related("county"), request.user, pk=pk)
    pages.require(permissions.can_open_finding(request.user, audit))
    owners = [(user.get_username(), person_choice(user)) for user in reads.county_users(audit)]
    form = FindingForm(request.POST or None, owners=owners)
    detail_url = reverse("audits:detail", args=[audit.pk])
    return pages.form_page(
        request,
        form,
        save=partial(writes.finding_open, audit=audit, user=request.user),
        success_message=_("Finding opened."),
        success_url=lambda finding: reverse("audits:finding", args=[finding.pk]),
        title=_("New finding on %(audit)s") % {"audit": audit},
        cancel_url=detail_url,
        breadcrumbs=[(str(audit), detail_url)],
    )


@require_login
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = reads.finding_detail(request.user, pk, timezone.localdate())
    context = {
        "title": str(detail.finding),
        "d": detail,
        "finding": detail.finding,
        "note_form": NoteForm(),
        "reason_form": ReasonForm(),
        "evidence_form": EvidenceForm(),
        "breadcrumbs": [
            (_("Findings"), reverse("audits:findings")),
            (str(detail.finding.audit), reverse("audits:detail", args=[detail.finding.audit_id])),
        ],
    }
    return render(request, "audits/finding_detail.html", context)


@require_POST
@require_login
def finding_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """rectify (note), verify (note), reject (reason) or evidence (file, effective date)."""
    finding: Finding = get_visible_or_404(
        Finding.objects.select_related("county"), request.user, pk=pk
    )
    user = request.user
    try:
        if action == "rectify":
            pages.require(permissions.can_rectify(user, finding))
            writes.finding_rectify(finding=finding, user=user, note=request.POST.get("note", ""))
            done = _("Reported rectified; an auditor of level 2 or 3 verifies it.")
        elif action == "verify":
            writes.finding_verify(finding=finding, user=user, note=request.POST.get("note", ""))
            done = _("Rectification verified.")
        elif action == "reject":
            writes.finding_reject(finding=finding, user=user, reason=request.POST.get("reason", ""))
            done = _("Rectification rejected; the finding is open again.")
        elif action == "evidence":
            pages.require(permissions.can_add_evidence(user, finding))
            form = EvidenceForm(request.POST, request.FILES)
            if not form.is_valid():
                for errors in form.errors.values():
                    messages.error(request, " ".join(str(e) for e in errors))
                return redirect("audits:finding", pk=finding.pk)
            upload = form.cleaned_data["file"]
            evidence = writes.evidence_add(
                finding=finding,
                user=user,
                fileobj=upload,
                file_name=upload.name,
                effective_date=form.cleaned_data["effective_date"],
                document=form.cleaned_data["document"],
            )
            done = _("Evidence %(document)s revision %(revision)d added.") % {
                "document": evidence.document,
                "revision": evidence.revision,
            }
        else:
            raise Http404("No such action.")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("audits:finding", pk=finding.pk)


@require_login  # type: ignore[arg-type]  # a FileResponse streams; the guard passes it on
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = reads.evidence_for(request.user, pk)
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.file_name)
