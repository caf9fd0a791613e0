"""The Chinese catalogue (docs/language-and-formats.md#languages): extract every marked string
and compile, or, with ``--check`` (``make lint``), fail on a marked string without a
translation, a fuzzy guess, or a compiled catalogue behind its source — and leave the files as
they were."""

import gettext
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

LOCALE = "zh_Hans"
#: What makemessages leaves out: installed packages, the tests and the benchmarks (their
#: strings never reach a user), collected static files.
IGNORE = [".venv/*", "node_modules/*", "bench/*", "tests/*", "staticfiles/*"]


def catalogue_dir() -> Path:
    return Path(settings.BASE_DIR) / "locale" / LOCALE / "LC_MESSAGES"


@dataclass
class Entry:
    """One entry of a .po file: its key as compiled (``context\\x04msgid``), translations,
    flags and where the string is used."""

    key: str
    translations: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def untranslated(self) -> bool:
        return not self.translations or any(not text for text in self.translations)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


def _unquote(lines: list[str]) -> str:
    text = "".join(re.findall(r'^"(.*)"$', "\n".join(lines), re.M))
    # C escapes resolved on the UTF-8 bytes, so that the Chinese comes through whole.
    return text.encode().decode("unicode_escape").encode("latin-1").decode()


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po file (obsolete ``#~`` entries and the header left out)."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if line and not line.startswith("#~")]
        parts: dict[str, list[str]] = {}
        current: str | None = None
        flags: set[str] = set()
        references: list[str] = []
        for line in lines:
            if line.startswith("#,"):
                flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#:"):
                references.extend(line[2:].split())
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and current:
                parts[current].append(line)
            else:
                keyword, _, rest = line.partition(" ")
                current = keyword
                parts[current] = [rest]
        if "msgid" not in parts:
            continue
        msgid = _unquote(parts["msgid"])
        if not msgid:
            continue  # the header
        context = _unquote(parts["msgctxt"]) if "msgctxt" in parts else ""
        translations = [
            _unquote(value) for keyword, value in parts.items() if keyword.startswith("msgstr")
        ]
        key = f"{context}\x04{msgid}" if context else msgid
        entries.append(Entry(key, translations, flags, references))
    return entries


def compiled_catalogue(path: Path) -> dict[str, str]:
    with open(path, "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    return {
        key if isinstance(key, str) else key[0]: value
        for key, value in catalogue._catalog.items()  # type: ignore[attr-defined]  # the parsed .mo
        if key and (isinstance(key, str) or key[1] == 0)
    }


class Command(BaseCommand):
    help = (
        "Extract every marked string into the Chinese catalogue and compile it; with --check, "
        "fail on a string without a translation and change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="only check: every marked string translated, nothing fuzzy, .mo in step",
        )

    def extract(self) -> None:
        call_command(
            "makemessages",
            locale=[LOCALE],
            no_obsolete=True,
            ignore_patterns=IGNORE,
            verbosity=0,
        )

    def handle(self, *args, **options):
        if shutil.which("xgettext") is None or shutil.which("msgfmt") is None:
            raise CommandError("GNU gettext (xgettext, msgfmt) is needed: apt-get install gettext")
        directory = catalogue_dir()
        po, mo = directory / "django.po", directory / "django.mo"
        if not options["check"]:
            self.extract()
            call_command("compilemessages", locale=[LOCALE], verbosity=0)
            self.report_missing(parse_po(po.read_text(encoding="utf-8")))
            self.stdout.write(f"{po.relative_to(settings.BASE_DIR)} extracted and compiled")
            return
        committed = po.read_bytes()
        try:
            self.extract()
            extracted = parse_po(po.read_text(encoding="utf-8"))
        finally:
            po.write_bytes(committed)
        problems = self.report_missing(extracted)
        with tempfile.TemporaryDirectory() as scratch:
            fresh = Path(scratch) / "django.mo"
            subprocess.run(["msgfmt", "-o", str(fresh), str(po)], check=True)  # noqa: S603, S607
            if compiled_catalogue(fresh) != compiled_catalogue(mo):
                self.stderr.write(f"{mo.relative_to(settings.BASE_DIR)} is behind django.po")
                problems += 1
        if problems:
            raise CommandError(
                f"the catalogue is not complete ({problems} problem(s)): run `make messages`, "
                "translate what is listed above, run it again and commit both files"
            )
        self.stdout.write(f"the catalogue translates every one of {len(extracted)} strings")

    def report_missing(self, entries: list[Entry]) -> int:
        missing = [entry for entry in entries if entry.untranslated or entry.fuzzy]
        for entry in missing:
            state = "fuzzy" if entry.fuzzy else "untranslated"
            where = " ".join(entry.references[:3])
            self.stderr.write(f"{state}: {entry.key!r} ({where})")
        return len(missing)
