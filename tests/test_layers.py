"""The layering contract of docs/architecture.md: a package imports only from its own layer
and the layers below it. Every import is read, at module level and inside functions."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KTTT = ROOT / "kttt"

# Lowest first. A package may import its own layer and the layers below; packages that share
# a layer (documents, overview) do not import each other.
APP_LAYERS: list[set[str]] = [
    {"kttt.changes"},  # the data's version: tracks the apps above by label, imports none
    {"kttt.areas"},
    {"kttt.accounts"},
    {"kttt.registry"},
    {"kttt.indicators"},
    {"kttt.plans"},
    {"kttt.documents", "kttt.overview"},
    # The API serves every resource, the register of reports included, through the pages'
    # own access helpers: it sits above all of them.
    {"kttt.api"},
]
# Framework-free helpers: below everything, import nothing of ours but themselves.
LIB = "kttt.lib"
# The shared web layer (fields, saved, is_partial): usable by every app, uses only lib.
WEB = "kttt.web"
# At the top: the demo loader may use every app.
TOP = "kttt.demo"
# The project's wiring, outside the contract.
OUTSIDE = {"kttt", "kttt.urls", "kttt.settings", "kttt.wsgi", "kttt.formats", "kttt.manage"}

# The access package (issue 7, point 5): every access decision in one package, each of its
# modules at the layer of what it guards, so that an app's views use the access helpers of
# their own layer and below.
ACCESS_LAYERS = {
    "kttt.access": "kttt.accounts",  # the package's docstring, nothing else
    "kttt.access.apps": "kttt.accounts",
    "kttt.access.scope": "kttt.accounts",  # roles, territories, area selectors
    "kttt.access.tokens": "kttt.accounts",  # who revokes which API token
    "kttt.access.context_processors": "kttt.accounts",
    "kttt.access.registry": "kttt.registry",  # cooperatives
    "kttt.access.plans": "kttt.plans",  # plans, tasks, activities, evidence, budget, links
    "kttt.access.management": "kttt.plans",  # createuser names cooperatives and units
    "kttt.access.users": "kttt.plans",  # account pages, grants: cooperatives and units
    "kttt.access.documents": "kttt.documents",  # reports: preview, register, issuers
}

# Known upward imports, each with its reason. Tighten by deleting lines; never add one
# without a reason a reviewer accepts.
ALLOWED_EXCEPTIONS: dict[tuple[str, str], str] = {}


def package_of(module: str) -> str:
    """The contract's unit a module belongs to: "kttt.registry.excel.importing" ->
    "kttt.registry"."""
    parts = module.split(".")
    if parts[:2] == ["kttt", "access"]:
        for i in range(len(parts), 1, -1):
            if (prefix := ".".join(parts[:i])) in ACCESS_LAYERS:
                return ACCESS_LAYERS[prefix]
    return ".".join(parts[:2]) if len(parts) > 1 else module


def rank(package: str) -> int | None:
    """Position in the stack; None for a package the contract does not know."""
    if package == LIB:
        return 0
    if package == WEB:
        return 1
    for i, layer in enumerate(APP_LAYERS, start=2):
        if package in layer:
            return i
    if package == TOP:
        return len(APP_LAYERS) + 2
    return None


def allowed(importer: str, imported: str) -> bool:
    source, target = package_of(importer), package_of(imported)
    if source in OUTSIDE or source == target:
        return True
    if (importer, target) in ALLOWED_EXCEPTIONS:
        return True
    if target in OUTSIDE:
        return False  # nothing inside the layers may import the project's wiring
    low, high = rank(target), rank(source)
    if low is None or high is None:
        return False  # a new package must first be placed in the contract
    if source == WEB:
        return target == LIB
    return low < high


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(module: str, source: str, *, is_package: bool = False) -> list[tuple[str, int]]:
    """Every kttt module named by an import anywhere in the source, with its line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against the importing module's package
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            if name == "kttt":  # `from kttt import web`
                found += [(f"kttt.{alias.name}", node.lineno) for alias in node.names]
            else:
                found.append((name, node.lineno))
    return [(name, line) for name, line in found if name.startswith("kttt.")]


def violations(module: str, source: str, *, is_package: bool = False) -> list[str]:
    return [
        f"{module}:{line} imports {name}"
        for name, line in imports_of(module, source, is_package=is_package)
        if not allowed(module, name)
    ]


def our_modules() -> list[Path]:
    return sorted(KTTT.rglob("*.py"))


def test_it_reads_the_modules_it_checks():
    modules = {module_name(p) for p in our_modules()}
    assert {"kttt.web", "kttt.areas.views", "kttt.registry.services", "kttt.demo"} <= modules
    assert len(modules) > 80


def test_every_package_is_placed_in_the_layers():
    packages = {package_of(module_name(p)) for p in our_modules()}
    assert {p for p in packages if rank(p) is None} - OUTSIDE == set()


def test_no_module_imports_from_a_layer_above_it():
    found = []
    for path in our_modules():
        source = path.read_text(encoding="utf-8")
        found += violations(module_name(path), source, is_package=path.name == "__init__.py")
    assert found == []


def test_every_allowed_exception_is_still_needed():
    """An exception that no import uses any more must be deleted."""
    used = set()
    for path in our_modules():
        module = module_name(path)
        for name, _line in imports_of(module, path.read_text(encoding="utf-8")):
            if (module, package_of(name)) in ALLOWED_EXCEPTIONS:
                used.add((module, package_of(name)))
    assert set(ALLOWED_EXCEPTIONS) - used == set()


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("kttt.areas.views", "from kttt.registry.services import apply_succession"),
        ("kttt.areas.views", "def f():\n    from kttt.registry import services\n"),
        ("kttt.areas.views", "import kttt.access.scope"),
        ("kttt.lib.dates", "from kttt.web import saved"),
        ("kttt.web.fields", "from kttt.registry import validation"),
        ("kttt.registry.views", "from kttt import demo"),
        ("kttt.indicators.engine", "from kttt.plans.models import Target"),
        ("kttt.overview.views", "from kttt.documents import report"),
        ("kttt.documents.views", "from kttt.api.core import api"),
        ("kttt.plans.views", "from kttt.urls import urlpatterns"),
        ("kttt.registry.services", "from kttt.newapp import anything"),
        ("kttt.areas.views", "from ..registry import services"),
        ("kttt.access.scope", "from kttt.registry.models import Entity"),
        ("kttt.access.registry", "from kttt.plans.models import Plan"),
        ("kttt.registry.views", "from kttt.access.plans import access_plan"),
        ("kttt.accounts.models", "from kttt.access.registry import access_entity"),
        ("kttt.access.brand_new", "from kttt.registry.models import Entity"),
    ],
)
def test_it_detects_an_upward_import(module, source):
    assert violations(module, source) != []


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("kttt.plans.views", "from kttt.registry.models import Entity"),
        ("kttt.plans.views", "from kttt.web import saved"),
        ("kttt.web.fields", "from kttt.lib.dates import format_date"),
        ("kttt.demo.loading", "from kttt.plans.models import Plan"),
        ("kttt.urls", "from kttt.demo import loading"),
        ("kttt.registry.views", "from . import services"),
        ("kttt.registry.views", "from kttt.access.registry import access_entity"),
        ("kttt.registry.views", "from kttt.access.scope import scope_of"),
        ("kttt.plans.views.tasks", "from kttt.access.plans import access_task"),
        ("kttt.access.plans", "from kttt.access.registry import access_entity"),
    ],
)
def test_it_accepts_a_downward_import(module, source):
    assert violations(module, source) == []
