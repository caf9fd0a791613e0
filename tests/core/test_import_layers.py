"""The project's modules import each other in layers: no module imports one that imports it
back, and no import of a project module hides inside a function to dodge such a cycle (STYLE:
move the shared piece down a floor instead). Read from the source with ``ast``; nothing is
imported, so the check also covers modules no test loads."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("marketing_ops", "revenue", "arrears", "audits", "materials", "appraisal")

#: Functions that may import project modules inside them, each with the reason:
#: (module, or "*.<name>" for that module of every app; function name).
ALLOWED_INSIDE_FUNCTIONS: dict[tuple[str, str], str] = {
    ("*.apps", "ready"): (
        "Django imports an app's AppConfig before the models are loaded; AppConfig.ready() is "
        "where an app may first import its models and wire what needs them"
    ),
}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    target: str  # the project module imported
    line: int
    function: str | None  # the (innermost) function the import is written in
    type_checking: bool

    @property
    def allowed_inside_function(self) -> bool:
        app_module = "*." + self.module.rpartition(".")[2]
        return any(
            (place, self.function) in ALLOWED_INSIDE_FUNCTIONS
            for place in (self.module, app_module)
        )


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]):
    """The project modules an import statement loads: ``from a.b import c`` loads ``a.b.c``
    when that is a module, else ``a.b``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names if alias.name in known]
    base = node.module or ""
    if node.level:
        package = module.split(".") if is_package else module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, *([base] if base else [])])
    found = []
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        if submodule in known:
            found.append(submodule)
        elif base in known:
            found.append(base)
    return found


def _visit(
    node: ast.AST,
    module: str,
    is_package: bool,
    known: set[str],
    found: list[Import],
    *,
    function: str | None = None,
    type_checking: bool = False,
) -> None:
    if isinstance(node, ast.Import | ast.ImportFrom):
        for target in dict.fromkeys(_targets(node, module, is_package, known)):
            if target != module:
                found.append(Import(module, target, node.lineno, function, type_checking))
        return
    if isinstance(node, ast.If) and _is_type_checking(node.test):
        for child in node.body:
            _visit(child, module, is_package, known, found, function=function, type_checking=True)
        for child in node.orelse:
            _visit(
                child,
                module,
                is_package,
                known,
                found,
                function=function,
                type_checking=type_checking,
            )
        return
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        function = node.name
    elif isinstance(node, ast.Lambda):
        function = "<lambda>"
    for child in ast.iter_child_nodes(node):
        _visit(
            child,
            module,
            is_package,
            known,
            found,
            function=function,
            type_checking=type_checking,
        )


def _imports() -> list[Import]:
    modules = _project_modules()
    known = set(modules)
    found: list[Import] = []
    for module, path in modules.items():
        tree = ast.parse(path.read_text(), str(path))
        _visit(tree, module, path.name == "__init__.py", known, found)
    return found


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return components


def test_no_project_module_imports_one_that_imports_it_back():
    edges: dict[str, set[str]] = {}
    for found in _imports():
        if not found.type_checking:
            edges.setdefault(found.module, set()).add(found.target)
    cycles = _cycles(edges)
    assert cycles == []


def test_no_project_module_is_imported_inside_a_function():
    hidden = {
        (found.module, found.target): found.line
        for found in _imports()
        if found.function is not None
        and not found.type_checking
        and not found.allowed_inside_function
    }
    assert [f"{module}:{line} imports {target}" for (module, target), line in hidden.items()] == []


def test_the_check_sees_a_cycle_and_a_hidden_import():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    imports = _imports()
    assert any(i.module == "marketing_ops.views" and i.function is None for i in imports)
    ready = [i for i in imports if i.module == "marketing_ops.apps" and i.function == "ready"]
    assert ready and all(i.allowed_inside_function for i in ready)
