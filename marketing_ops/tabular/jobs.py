"""The life of an import job: accepted (who may, limits, the same file twice), run to ``done``
or ``failed``, and written only when the whole file is valid."""

from __future__ import annotations

import datetime as dt
import io
import logging
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from marketing_ops import formatting
from marketing_ops.access import bound_county_id, has_role, is_city_wide
from marketing_ops.models import ImportJob
from marketing_ops.tabular import readers, streaming
from marketing_ops.tabular.dataset import (
    CsvHeader,
    Dataset,
    ImportContext,
    column_names_in_every_language,
    get_dataset,
    is_names_row,
)
from marketing_ops.tabular.errors import ImportRejected, RowError, file_error, merged
from marketing_ops.tabular.readers import Inspected, inspect_file

if TYPE_CHECKING:
    from django.contrib.auth.models import User


logger = logging.getLogger(__name__)


def _context(job: ImportJob, user: User | None) -> ImportContext:
    if user is None:
        # The command line (no --as) imports for the whole city; a queued job whose uploader
        # has since been deleted keeps the county recorded on the job.
        county_id = getattr(job, "county_id", None)
        return ImportContext(
            job=job, user=None, now=timezone.now(), city_wide=county_id is None, county_id=county_id
        )
    return ImportContext(
        job=job,
        user=user,
        now=timezone.now(),
        city_wide=is_city_wide(user),
        county_id=bound_county_id(user),
    )


def earlier_import(
    dataset_name: str, sha256: str, exclude_id: int | None = None
) -> ImportJob | None:
    earlier = ImportJob.objects.filter(
        dataset=dataset_name, sha256=sha256, status=ImportJob.Status.DONE
    )
    if exclude_id:
        earlier = earlier.exclude(pk=exclude_id)
    return earlier.select_related("created_by").first()


def _may_open(job: ImportJob, ctx: ImportContext) -> bool:
    """Whether the uploader may open ``job``'s page: the import pages' own rule
    (``ImportJob.objects.visible_to``), so an import that is a 404 for them is never named."""
    if ctx.user is None:
        # The command line imports for the whole city; a job whose uploader has been deleted
        # keeps its county, and its errors are read by that county's users.
        return ctx.city_wide or job.county_id == ctx.county_id
    return ImportJob.objects.visible_to(ctx.user).filter(pk=job.pk).exists()


def _already_imported(job: ImportJob, ctx: ImportContext) -> RowError:
    if not _may_open(job, ctx):
        # Another county's (or the city's) import: refused all the same, but its number, date
        # and uploader stay out of the message (docs/roles-and-scoping.md#county-scoping).
        return RowError(
            None,
            "",
            gettext("This file was already imported into %(dataset)s; it is not applied twice.")
            % {"dataset": job.dataset},
        )
    who = job.created_by.get_username() if job.created_by else gettext("the command line")
    return RowError(
        None,
        "",
        gettext(
            "This file was already imported into %(dataset)s as import #%(number)s on "
            "%(when)s by %(who)s; it is not applied twice."
        )
        % {
            "dataset": job.dataset,
            "number": job.pk,
            "when": formatting.date(job.finished_at or job.created_at),
            "who": who,
        },
    )


def _fail(job: ImportJob, errors: list[RowError], total: int) -> ImportJob:
    job.status = job.Status.FAILED
    job.errors = [e.as_dict() for e in errors]
    job.error_count = total
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "error_count", "finished_at", "rows"])
    return job


def _fail_unexpected(job: ImportJob) -> None:
    """A bug or a database failure: the job must not stay "running" (and polled) for ever.

    ``apply`` runs in one transaction, so nothing was applied; the details go to the log.
    """
    logger.exception("import #%s %s stopped on an unexpected error", job.pk, job.dataset)
    message = gettext(
        "The import stopped on an unexpected error and nothing was applied; "
        "an administrator can find the details in the log."
    )
    try:
        _fail(job, [RowError(None, "", message)], 1)
    except Exception:  # the database itself may be what failed
        logger.exception("import #%s could not be marked failed", job.pk)


#: The fewest seconds between two writes of a running import's progress and lease (one UPDATE
#: of its ImportJob row, never one per row: the page polls every second).
PROGRESS_EVERY = 1.0


def worker_lost_message() -> str:
    return gettext(
        "The worker running this import stopped (it was killed, ran out of memory or its "
        "request timed out); nothing was applied. Upload the file again."
    )


class _LeaseLost(Exception):
    """The job was marked failed while it ran (its lease ran out): stop, roll back, keep it so."""


class _Lease:
    """A running job's progress and lease: ``renew`` writes the rows read and ``heartbeat_at``
    in one UPDATE, at most every ``PROGRESS_EVERY`` seconds unless forced. Raises _LeaseLost
    when the job is no longer running (the sweep failed it): the import must not go on."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.last = time.monotonic()

    def renew(self, rows: int | None = None, *, force: bool = False) -> None:
        if rows is not None:
            self.job.rows = rows
        clock = time.monotonic()
        if not force and clock - self.last < PROGRESS_EVERY:
            return
        self.last = clock
        self.job.heartbeat_at = timezone.now()
        alive = ImportJob.objects.filter(pk=self.job.pk, status=ImportJob.Status.RUNNING).update(
            rows=self.job.rows, heartbeat_at=self.job.heartbeat_at
        )
        if not alive:
            raise _LeaseLost


def _claim(job: ImportJob) -> bool:
    """Take a queued job: it becomes running, with a fresh lease. False when it is not queued
    (another delivery of its task already took it, or it is finished)."""
    now = timezone.now()
    taken = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, started_at=now, heartbeat_at=now
    )
    if taken:
        job.status, job.started_at, job.heartbeat_at = ImportJob.Status.RUNNING, now, now
    return bool(taken)


def import_jobs_fail_stale(now: dt.datetime | None = None) -> int:
    """Mark failed every running import whose lease ran out: its worker was lost (killed, out
    of memory, a web request ended by a timeout). Nothing of it was applied — the write and the
    job's ``done`` commit together — so the file may be uploaded again. Returns how many.

    Run by beat every minute and on every read of the import pages and API (so embedded mode,
    without beat, sees it too); one cheap query when no import is stale."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.IMPORT_JOB_LEASE_SECONDS)
    stale = ImportJob.objects.filter(status=ImportJob.Status.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    if not stale.exists():
        return 0
    ids = list(stale.values_list("pk", flat=True))
    failed = ImportJob.objects.filter(pk__in=ids, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.FAILED,
        errors=[RowError(None, "", worker_lost_message()).as_dict()],
        error_count=1,
        finished_at=now,
    )
    logger.warning("imports %s lost their worker and were marked failed", ids)
    return failed


class _Declined(Exception):
    """The dataset's direct CSV load declined the file: roll it back, take the row-by-row pass."""


def _copy_and_apply(
    dataset: Dataset, source: IO[bytes], ctx: ImportContext, job: ImportJob, lease: _Lease
) -> bool:
    """The dataset's direct CSV load: the file goes into the database as it is and is checked
    and written there, in one transaction with the job's ``done``. False when the dataset
    declines the file; then nothing of it was written."""
    header = _csv_header(source, type(dataset), ctx)  # only UTF-8 files are copied
    positions = [header.positions.get(c.name) for c in dataset.columns]
    if is_names_row(header.first_row, positions, column_names_in_every_language(dataset.columns)):
        return False  # a template's names row: the row-by-row pass skips it
    source.seek(0)
    rows = dataset.copy_csv(source, header, ctx)
    if rows is None:
        return False
    lease.renew(rows, force=True)
    try:
        with transaction.atomic():
            applied = dataset.apply_copied(ctx)
            if applied is None:
                raise _Declined
            _mark_done(job, rows, applied)
    except _Declined:
        return False
    return True


def _csv_header(source: IO[bytes], dataset: type[Dataset], ctx: ImportContext) -> CsvHeader:
    """Read and match the header (its errors are the row-by-row pass's) and the first row."""
    records = readers._csv_rows(source)
    try:
        names = next(records, None)
        if names is None:
            raise file_error(gettext("The file is empty: the header row is missing."))
        first_row = next(records, [])
    finally:
        records.close()
    bound = streaming._bind_header(names, dataset, ctx)
    positions = {b.column.name: b.index for b in bound if b is not None}
    return CsvHeader(names=list(names), positions=positions, first_row=list(first_row))


def _mark_done(job: ImportJob, rows: int, applied: int) -> None:
    """Mark the job done, inside the transaction of its write. A job no longer running (the
    sweep failed it: its lease ran out) raises _LeaseLost, which rolls the write back."""
    finished_at = timezone.now()
    marked = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
        status=ImportJob.Status.DONE,
        rows=rows,
        applied=applied,
        errors=[],
        error_count=0,
        finished_at=finished_at,
    )
    if not marked:
        raise _LeaseLost
    job.status = job.Status.DONE
    job.rows = rows
    job.applied = applied
    job.errors = []
    job.error_count = 0
    job.finished_at = finished_at


def run_job(
    job: ImportJob, fileobj: IO[bytes] | None = None, inspected: Inspected | None = None
) -> ImportJob:
    """Run a queued ImportJob to ``done`` or ``failed``. Safe to call twice: a job that is not
    queued — finished, or started by an earlier delivery of its task — is left as it is (one
    whose worker was lost is failed by ``import_jobs_fail_stale``)."""
    if job.finished or not _claim(job):
        job.refresh_from_db()
        return job
    dataset = get_dataset(job.dataset)()
    ctx = _context(job, job.created_by)
    lease = _Lease(job)

    opened = fileobj is None
    source: IO[bytes] = job.file.open("rb") if fileobj is None else fileobj
    try:
        inspected = inspected or inspect_file(source, job.file_name)
        earlier = earlier_import(job.dataset, inspected.sha256, exclude_id=job.pk)
        if earlier:
            raise ImportRejected(_already_imported(earlier, ctx))
        if inspected.rows_total is not None and job.rows_total != inspected.rows_total:
            job.rows_total = inspected.rows_total
            ImportJob.objects.filter(pk=job.pk).update(rows_total=job.rows_total)
        dataset.begin(ctx)
        try:
            copied = (
                inspected.kind == "csv"
                and inspected.encoding == readers.UTF8
                and dataset.copies_csv
                and _copy_and_apply(dataset, source, ctx, job, lease)
            )
            if not copied:
                source.seek(0)
                reader = (
                    readers._xlsx_rows(source)
                    if inspected.kind == "xlsx"
                    else readers._csv_rows(source, inspected.encoding)
                )
                count, errors, total = streaming._stream(
                    dataset, iter(reader), ctx, lease.renew, text_cells=inspected.kind == "csv"
                )
                if total:
                    rejected = ImportRejected(errors, total)
                    raise merged(rejected, dataset.errors_across_rows(ctx)) or rejected
                lease.renew(force=True)
                with transaction.atomic():
                    _mark_done(job, count, dataset.apply(ctx))
        finally:
            dataset.discard(ctx)
    except _LeaseLost:
        logger.warning("import #%s was marked failed while it ran; nothing applied", job.pk)
        job.refresh_from_db()
        return job
    except ImportRejected as rejected:
        return _fail(job, rejected.errors, rejected.total)
    except IntegrityError:
        earlier = earlier_import(job.dataset, job.sha256, exclude_id=job.pk)
        if earlier is None:
            _fail_unexpected(job)
            raise
        return _fail(job, [_already_imported(earlier, ctx)], 1)
    except Exception:
        _fail_unexpected(job)
        raise
    finally:
        if opened:
            source.close()
    logger.info("import #%s %s: %s rows applied", job.pk, job.dataset, job.applied)
    return job


def _too_large_for_a_request(inspected: Inspected, dataset: type[Dataset]) -> bool:
    """Whether an upload of a dataset that runs during the request is too large for one: more
    cells than ``UPLOAD_FOREGROUND_MAX_CELLS`` (a CSV's rows × the dataset's columns; a
    workbook's cell grid, or unknown), so it runs in the background and no web request can
    run into a timeout."""
    if inspected.kind == "csv":
        cells = ((inspected.rows_total or 0) + 1) * max(len(dataset.columns), 1)
    else:
        cells = inspected.cells if inspected.cells is not None else 2**62  # not inspected
    return cells > settings.UPLOAD_FOREGROUND_MAX_CELLS


def accept_upload(
    dataset_name: str,
    fileobj: IO[bytes],
    file_name: str,
    user: User | None,
    *,
    background: bool | None = None,
) -> ImportJob:
    """Accept an upload: check who may, check the size, record an ImportJob, run it.

    ``background`` (default: the dataset's ``run_async``, or True for an upload too large to
    run during a request) stores the file and returns the job still queued, for the caller to
    hand to a worker (``marketing_ops.services.import_submit``); otherwise the job runs now and
    is returned finished.
    """
    dataset = get_dataset(dataset_name)
    if user is not None and not has_role(user, *dataset.roles):
        raise PermissionDenied(
            gettext("Your role may not import %(dataset)s.") % {"dataset": dataset.label}
        )
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    job = ImportJob(
        dataset=dataset.name,
        file_name=Path(file_name).name[:255],
        size=size,
        created_by=user,
        county_id=bound_county_id(user) if user else None,
    )
    try:
        inspected = inspect_file(fileobj, file_name)
    except ImportRejected as rejected:
        job.save()
        return _fail(job, rejected.errors, rejected.total)
    job.sha256 = inspected.sha256
    job.rows_total = inspected.rows_total
    earlier = earlier_import(dataset.name, inspected.sha256)
    if earlier:
        job.save()
        return _fail(job, [_already_imported(earlier, _context(job, user))], 1)
    run_later = dataset.run_async if background is None else background
    if background is None and not run_later:
        run_later = _too_large_for_a_request(inspected, dataset)
    if not run_later:
        job.save()
        return run_job(job, fileobj, inspected)
    job.file.save(
        f"{dataset.name}-{inspected.sha256[:12]}{Path(file_name).suffix}", File(fileobj), save=False
    )
    job.save()
    return job
