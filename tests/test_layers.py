"""Layers point one way: ground ← auth, audit ← domain ← features, and pure modules import no Flask.

Read from the source with `ast`, so a new import that breaks the rule fails here with the module
and the import named. Imports under `if TYPE_CHECKING:` are for type hints only and not counted.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tracker"
GROUND = {"extensions", "database", "clock", "dates", "errors", "rag", "forms", "spreadsheets", "uploads",
          "request_guards", "zip_limits", "standards"}
BASE = {"auth", "audit"}
DOMAIN = {"plans", "actions", "reviews", "governance", "evidence"}
FEATURES = {"indicators", "reminders", "reports", "dashboards", "admin", "search"}
#: Pure code: plain data in, plain data out; no Flask and no database, so it is tested and
#: benchmarked on its own.
PURE = [
    "actions/by_when.py", "actions/rag_rules.py", "actions/refs.py", "reviews/agenda_rules.py",
    "reminders/rules.py", "reminders/facts.py", "plans/file_reader.py", "plans/file_writer.py",
    "plans/charts.py", "indicators/wres.py", "indicators/ratios.py", "indicators/representation.py", "indicators/likelihoods.py",
    "indicators/datapack.py", "indicators/tables.py",
    "indicators/disability.py", "indicators/wdes.py", "indicators/wdes_results.py", "indicators/wdes_readers.py",
    "indicators/wdes_show.py", "indicators/wdes_headlines.py", "indicators/wdes_pack.py", "standards.py", "reports/documents.py", "reports/word",
    "reports/docx_reader.py", "reports/docx_cells.py", "errors.py", "evidence/rules.py",
    "clock.py", "dates.py", "rag.py", "spreadsheets.py", "zip_limits.py", "demo/calendar.py", "demo/story.py",
    "search/text.py",
    "indicators/wdes_figures.py", "indicators/wdes_charts.py", "indicators/wdes_definitions.py",
]
WEB_AND_DATABASE = ("flask", "flask_login", "flask_wtf", "flask_sqlalchemy", "sqlalchemy", "werkzeug", "wtforms")


def _runtime_imports(path: Path) -> list[str]:
    """Modules imported when the file runs (TYPE_CHECKING blocks left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(node) for block in ast.walk(tree) if isinstance(block, ast.If)
               and getattr(block.test, "id", None) == "TYPE_CHECKING" for node in ast.walk(block)}
    names = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def _area(module: str) -> str | None:
    """'tracker.plans.views' → 'plans'; 'tracker.clock' → 'clock'; None outside the package."""
    parts = module.split(".")
    return parts[1] if parts[0] == "tracker" and len(parts) > 1 else None


def _modules(areas: set[str]) -> list[Path]:
    return sorted(path for area in areas for path in (PACKAGE / area).rglob("*.py"))


def _crossings(paths: list[Path], forbidden: set[str]) -> list[str]:
    found = []
    for path in paths:
        for name in _runtime_imports(path):
            if _area(name) in forbidden:
                found.append(f"{path.relative_to(PACKAGE.parent)} imports {name}")
    return sorted(set(found))


def test_domain_packages_import_no_feature_package():
    assert _crossings(_modules(DOMAIN), FEATURES | {"demo"}) == []


def test_auth_and_audit_import_no_domain_or_feature_package():
    assert _crossings(_modules(BASE), DOMAIN | FEATURES | {"demo"}) == []


def test_ground_modules_import_only_ground_modules():
    ground = [PACKAGE / f"{name}.py" for name in GROUND]
    assert _crossings(ground, BASE | DOMAIN | FEATURES | {"demo"}) == []


@pytest.mark.parametrize("name", PURE)
def test_pure_modules_import_no_flask_and_no_database(name):
    target = PACKAGE / name
    paths = sorted(target.rglob("*.py")) if target.is_dir() else [target]
    imported = {module for path in paths for module in _runtime_imports(path)}
    web = sorted(module for module in imported if module.split(".")[0] in WEB_AND_DATABASE)
    in_package = sorted(module for module in imported if _area(module) in {"extensions", "database"})
    assert web + in_package == []


def test_the_layer_lists_cover_every_package():
    packages = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
    assert packages == BASE | DOMAIN | FEATURES | {"demo"}
