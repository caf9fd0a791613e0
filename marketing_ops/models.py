"""The shared core: organisation (counties, business lines), user profiles, imports, briefings."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

from marketing_ops.access import CountyScopedQuerySet
from marketing_ops.bounds import INTEGER_MAX

upper_snake_case = RegexValidator(
    r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$", _("Use upper snake case, e.g. BROADBAND or DEDICATED_LINE.")
)

#: Codes a user creates and that pages put in their addresses (``/revenue/county/<code>/``):
#: letters, digits, "-" and "_", starting with a letter or digit; never "/", a space or "?".
safe_code = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]*\Z",
    _("Use letters, digits, - and _ only, starting with a letter or digit, e.g. C01 or NORTH-2."),
)

#: Sort orders and other whole numbers an ``integer`` column holds.
sort_order_bounds = [MinValueValidator(0), MaxValueValidator(INTEGER_MAX)]


#: Sent after counties are created or updated in bulk (the counties dataset), where post_save
#: does not fire: an app that keeps something per county (materials: the county's warehouse)
#: connects to it in its ``AppConfig.ready``. The core imports no app; this is how it tells them.
counties_saved = Signal()


class CountyQuerySet(CountyScopedQuerySet):
    county_lookup = "pk"


class County(models.Model):
    """A county company or city district: the unit plans are split over and reports come from."""

    class Kind(models.TextChoices):
        COUNTY = "county", _("County")
        DISTRICT = "district", _("District")

    code = models.CharField(_("code"), max_length=16, unique=True, validators=[safe_code])
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COUNTY)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(
        _("sort order"), default=0, validators=sort_order_bounds
    )

    objects = CountyQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BusinessLine(models.Model):
    """A line of business with its own volume target; lines are data, not code."""

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[upper_snake_case])
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("unit"), max_length=30, default="户")
    deposit_required = models.BooleanField(
        _("deposit required"),
        default=False,
        help_text=_("New installs on this line must record a terminal deposit."),
    )
    uses_terminal = models.BooleanField(
        _("uses terminal"),
        default=False,
        help_text=_("Installs on this line issue a terminal; dismantles return one."),
    )
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(
        _("sort order"), default=0, validators=sort_order_bounds
    )

    class Meta:
        verbose_name = _("business line")
        verbose_name_plural = _("business lines")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class Profile(models.Model):
    """Where a user belongs: a county (or none for city-wide users) and an auditor level."""

    class AuditorLevel(models.IntegerChoices):
        COUNTY = 1, _("1st level (county)")
        SUPPORT_CENTER = 2, _("2nd level (city support center)")
        MARKETING_DEPT = 3, _("3rd level (city marketing department)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="profiles",
        help_text=_("Set for users bound to one county; they see only that county."),
    )
    auditor_level = models.PositiveSmallIntegerField(
        _("auditor level"),
        choices=AuditorLevel.choices,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    display_name = models.CharField(
        _("display name"),
        max_length=100,
        blank=True,
        help_text=_("The name pages show for this user, e.g. 张伟; the user name when blank."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the interface for this user; set by the language switch."),
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(auditor_level__isnull=True) | Q(auditor_level__in=[1, 2, 3]),
                name="profile_auditor_level_1_to_3",
            )
        ]

    def __str__(self) -> str:
        return f"profile of {self.user}"


class ImportJob(models.Model):
    """One upload through the tabular pipeline (docs/file-formats.md): who, what, how it went."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    dataset = models.CharField(_("dataset"), max_length=40)
    file_name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    sha256 = models.CharField(_("sha256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    county = models.ForeignKey(
        County,
        verbose_name=_("county"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The uploader's county, for county users; their imports stay in their scope."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.PositiveIntegerField(_("rows total"), null=True, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0, help_text=_("Data rows read so far."))
    applied = models.PositiveIntegerField(_("applied"), default=0, help_text=_("Records written."))
    errors = models.JSONField(_("errors"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("error count"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("heartbeat at"),
        null=True,
        blank=True,
        help_text=_(
            "When the process running the import last said it was alive; a running "
            "import silent for IMPORT_JOB_LEASE_SECONDS is marked failed."
        ),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = CountyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The same file is applied once per dataset (docs/file-formats.md).
            models.UniqueConstraint(
                fields=["dataset", "sha256"],
                condition=Q(status="done"),
                name="importjob_one_done_per_file",
            )
        ]
        indexes = [
            # "Was this file imported before?" lookup at every upload.
            models.Index(fields=["dataset", "sha256"], name="importjob_dataset_sha"),
            # The sweep of imports whose worker was lost reads only the running ones.
            models.Index(
                fields=["heartbeat_at"],
                condition=Q(status="running"),
                name="importjob_running_heartbeat",
            ),
        ]

    def __str__(self) -> str:
        return f"import #{self.pk} {self.dataset} {self.file_name}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def progress_percent(self) -> int | None:
        """How far a queued or running import has read its file; 100 when done, None when it
        failed (nothing was written) or its size is not known yet."""
        if self.status == self.Status.DONE:
            return 100
        if self.status == self.Status.FAILED:
            return None
        if not self.rows_total:
            return None
        return min(99, int(self.rows * 100 / self.rows_total))

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class BriefingQuerySet(CountyScopedQuerySet):
    """City-wide users read every briefing; county users only their county's."""

    county_lookup = "county"


class Briefing(models.Model):
    """An emailed briefing, archived: one per kind × period × scope (docs/rules.md#briefings)."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    period = models.CharField(
        _("period"), max_length=10, help_text=_("YYYY-MM-DD, YYYY-Www or YYYY-MM.")
    )
    scope = models.CharField(_("scope"), max_length=16, help_text=_("'city' or a county code."))
    county = models.ForeignKey(
        County,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="briefings",
        verbose_name=_("county"),
    )
    subject = models.CharField(_("subject"), max_length=200)
    html = models.TextField(
        _("html"),
    )
    text = models.TextField(
        _("text"),
    )
    xlsx = models.BinaryField(_("xlsx"), blank=True, default=b"")
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    send_count = models.PositiveIntegerField(_("send count"), default=0)

    objects = BriefingQuerySet.as_manager()

    class Meta:
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "scope"], name="briefing_one_per_kind_period_scope"
            )
        ]

    def __str__(self) -> str:
        return self.subject
