"""The one upload pipeline (docs/file-formats.md): every import in every app goes through here.

A dataset declares its columns and how to write; the pipeline does the rest, the same way for
all of them:

1. limits before parsing — bytes, XLSX uncompressed size and compression ratio read from the zip
   index, the row count (newlines counted while hashing) and an XLSX's cell span (from the cells'
   references, never the sheet's declared dimension); while reading, the cells walked, blank
   rows included (``UPLOAD_MAX_CELLS``);
2. the content hash: a file already imported into the same dataset is refused, naming the import
   when the uploader may open it (another county's import is never named to a county user);
3. one streaming pass over CSV (UTF-8, BOM allowed) or XLSX (first sheet, read by
   python-calamine; by openpyxl read-only with defusedxml for a sheet too large for memory or
   holding error cells) — headers matched case-insensitively after trimming, each cell parsed
   by its column type, every error collected as ``row, column, message`` (row as a spreadsheet
   shows it, the header being row 1);
4. valid rows are handed to the dataset in batches (``stage``) while the file streams, so a
   million-row file is never held in memory (a sheet read by calamine is, up to its limit);
5. only when the whole file is valid, ``apply`` writes inside one transaction, together with the
   job's ``done`` status; any error rejects the whole file and nothing is written;
6. a running job renews a lease (``heartbeat_at``) with its progress; one whose lease runs out
   lost its worker and is marked failed by ``import_jobs_fail_stale`` — its write never
   committed, and a late ``done`` of it is refused and rolled back.

The package, one module per job: ``errors`` (what a refusal says), ``columns`` (column types),
``dataset`` (datasets and their registry), ``readers`` (limits, hashing, CSV and XLSX rows),
``streaming`` (the row-by-row parse) and ``jobs`` (an import job's life). Uploads are submitted
through ``marketing_ops.services.import_submit``, which also queues background imports.
"""

from marketing_ops.tabular.columns import (
    BusinessLineCode,
    Choice,
    Column,
    CountyCode,
    Date,
    Integer,
    Money,
    MonthColumn,
    Text,
    YesNo,
)
from marketing_ops.tabular.dataset import (
    CsvHeader,
    Dataset,
    ImportContext,
    datasets,
    datasets_for,
    get_dataset,
    may_import,
    register,
    template_headers,
    template_names,
)
from marketing_ops.tabular.errors import ImportRejected, RowError, file_error, merged
from marketing_ops.tabular.jobs import (
    accept_upload,
    earlier_import,
    import_jobs_fail_stale,
    run_job,
)
from marketing_ops.tabular.readers import Inspected, inspect_file

__all__ = [
    "BusinessLineCode",
    "Choice",
    "Column",
    "CountyCode",
    "CsvHeader",
    "Dataset",
    "Date",
    "ImportContext",
    "ImportRejected",
    "Inspected",
    "Integer",
    "Money",
    "MonthColumn",
    "RowError",
    "Text",
    "YesNo",
    "accept_upload",
    "datasets",
    "datasets_for",
    "earlier_import",
    "file_error",
    "get_dataset",
    "import_jobs_fail_stale",
    "inspect_file",
    "may_import",
    "merged",
    "register",
    "run_job",
    "template_headers",
    "template_names",
]
