"""The documentation names only what the code has: every file path, every dotted module name,
every function it shows being called, every name the shared core's table lists, and every
``docs/….md#anchor`` cited in code, templates and the docs themselves resolves. So a rename in
the code that forgets the docs fails here instead of misleading the next reader.

Read from the text: paths are checked on disk, names against the project's source (``ast``) or
by importing the module the docs name."""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import re
import subprocess
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("marketing_ops", "revenue", "arrears", "audits", "materials", "appraisal")
DOCS = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]

#: Apps the docs describe before they exist (the skeleton a new app copies uses their names).
PLANNED_APPS = {"audits", "materials", "appraisal"}

#: Calls the docs show that are not the project's: Django's URL helpers and the arithmetic of
#: the formulas in docs/rules.md.
FOREIGN_CALLS = {"path", "include", "floor"} | set(dir(builtins))


def _doc_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _prose(path: Path) -> str:
    """The text of a doc without its fenced code blocks (sketches of code a new app writes)."""
    return re.sub(r"^```.*?^```", "", path.read_text(), flags=re.S | re.M)


def _inline_code(path: Path) -> list[str]:
    return re.findall(r"`([^`\n]+)`", _prose(path))


@cache
def _defined_names() -> frozenset[str]:
    """Every function, class and module-level or class-level name the project defines (the
    apps, the core and the tests' shared fixtures)."""
    sources = [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]
    sources += list((ROOT / "tests").rglob("conftest.py"))
    names: set[str] = set()
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names.add(node.name)
            elif isinstance(node, ast.Assign):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                names.add(node.target.id)
    return frozenset(names)


def _is_planned(reference: str) -> bool:
    return any(Path(part).stem in PLANNED_APPS for part in reference.split("/"))


def _file_exists(reference: str) -> bool:
    """``revenue/services/reports.py`` from the root; ``services/reports.py`` or ``pages.py``
    inside one of the apps or the core (the docs speak of "an app's ``services/reports.py``");
    a bare test file name anywhere under tests/."""
    candidates = [ROOT / reference, *(ROOT / package / reference for package in PACKAGES)]
    if any(candidate.exists() for candidate in candidates):
        return True
    if "/" not in reference:
        roots = [ROOT / package for package in PACKAGES] + [ROOT / "tests"]
        return any(next(root.rglob(reference), None) for root in roots)
    return False


def _file_references() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for match in re.finditer(r"(?<![\w/.])([\w./-]*\w\.py)\b", _prose(doc)):
            found.append((_doc_id(doc), match[1]))
    return found


@pytest.mark.parametrize(("doc", "reference"), _file_references())
def test_every_python_file_the_docs_name_exists(doc: str, reference: str) -> None:
    assert _is_planned(reference) or _file_exists(reference), (
        f"{doc} names {reference}, which is not in the tree"
    )


def _dotted_references() -> list[tuple[str, str]]:
    pattern = re.compile(rf"(?<![\w.])((?:{'|'.join(PACKAGES)})(?:\.[A-Za-z_]\w*)+)")
    found = []
    for doc in DOCS:
        for code in _inline_code(doc):
            for match in pattern.finditer(code):
                if not match[1].endswith(".py"):
                    found.append((_doc_id(doc), match[1]))
    return sorted(set(found))


def _resolve(dotted: str) -> object:
    """Import the longest module prefix of ``dotted``, then read the rest as attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            target = getattr(target, attribute)
        return target
    raise ModuleNotFoundError(dotted)


@pytest.mark.parametrize(("doc", "reference"), _dotted_references())
def test_every_module_and_name_the_docs_cite_by_its_dotted_path_resolves(
    doc: str, reference: str
) -> None:
    try:
        _resolve(reference)
    except (ImportError, AttributeError) as error:
        pytest.fail(f"{doc} cites {reference}: {error}")


def _called_names() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for code in _inline_code(doc):
            for match in re.finditer(r"(?<![\w.])@?([A-Za-z_]\w*)\(", code):
                found.append((_doc_id(doc), match[1]))
    return sorted(set(found))


@pytest.mark.parametrize(("doc", "name"), _called_names())
def test_every_function_the_docs_show_called_is_defined(doc: str, name: str) -> None:
    assert name in FOREIGN_CALLS or name in _defined_names(), (
        f"{doc} shows {name}(…), which nothing in the project defines"
    )


def _core_table_rows() -> list[tuple[str, list[str]]]:
    """The rows of "The shared core" in docs/architecture.md: module, the names it gives."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text.split("## The shared core", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        row = re.match(r"\| `([\w/]+?)(?:\.py|/)` \| (.*) \|$", line)
        if row:
            names = re.findall(r"`@?([A-Za-z_]\w*)(?:\([^`]*\))?`", row[2])
            rows.append((row[1], names))
    return rows


def test_the_shared_core_table_lists_every_core_module() -> None:
    assert {module for module, _ in _core_table_rows()} >= {
        "access",
        "money",
        "formatting",
        "periods",
        "pages",
        "forms",
        "filters",
        "tabular",
        "xlsx",
        "api",
    }


@pytest.mark.parametrize(("module", "names"), _core_table_rows())
def test_every_name_the_shared_core_table_lists_is_in_its_module(
    module: str, names: list[str]
) -> None:
    imported = importlib.import_module(f"marketing_ops.{module}")
    members = set(dir(imported))
    for value in vars(imported).values():
        if inspect.isclass(value) and value.__module__.startswith("marketing_ops"):
            members |= set(dir(value))
    missing = [name for name in names if name not in members]
    assert not missing, f"docs/architecture.md lists {missing} under {module}, which lacks them"


def _headings(path: Path) -> set[str]:
    """GitHub's anchors of a Markdown file's headings."""
    anchors = set()
    for heading in re.findall(r"^#+ (.*)$", _prose(path), flags=re.M):
        anchors.add(re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-"))
    return anchors


def _anchor_references() -> list[tuple[str, str, str]]:
    """``docs/rules.md#ageing`` anywhere in the tracked files, and ``(rules.md#…)``
    links between the docs: (citing file, cited file, anchor)."""
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    found = []
    for name in tracked:
        path = ROOT / name
        if path.suffix not in {".py", ".html", ".md", ".txt"} or not path.is_file():
            continue
        text = path.read_text(errors="replace")
        for match in re.finditer(r"(?<![\w/.-])((?:docs/)?[\w-]+\.md)#([\w-]+)", text):
            cited = match[1]
            if "/" not in cited:
                # A bare name: a sibling in docs/ when cited from docs/, else the root README.
                base = path.parent if name.startswith("docs/") else ROOT
                cited = str((base / cited).relative_to(ROOT))
            found.append((name, cited, match[2]))
    return sorted(set(found))


def test_anchors_are_cited_at_all() -> None:
    assert len(_anchor_references()) > 20


@pytest.mark.parametrize(("citing", "cited", "anchor"), _anchor_references())
def test_every_docs_anchor_cited_exists_as_a_heading(citing: str, cited: str, anchor: str) -> None:
    path = ROOT / cited
    assert path.is_file(), f"{citing} cites {cited}, which does not exist"
    assert anchor in _headings(path), f"{citing} cites {cited}#{anchor}: no such heading"


def test_every_relative_link_in_the_docs_leads_to_a_file() -> None:
    broken = []
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text()):
            if "://" not in target and not (doc.parent / target).exists():
                broken.append(f"{_doc_id(doc)} → {target}")
    assert not broken
