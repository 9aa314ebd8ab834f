"""The shape of the vehicles app (issue 11): what other apps import keeps its path, the
modules stay small, and no lower layer imports a views module."""

import ast
import importlib
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parents[2] / "vehicles"

# What the sale side, the project and the tests of other apps import from the stock.
PUBLIC = {
    "vehicles.models": [
        "Energy",
        "Parc",
        "StandardStatus",
        "LifelineStatus",
        "StatusMaxStay",
        "Vehicle",
        "VehicleEvent",
        "VehicleOption",
        "OwnershipTransfer",
        "SavedSearch",
        "DelayNotice",
        "vin_validator",
    ],
    "vehicles.services": [
        "vehicle_event_record",
        "vehicle_create",
        "vehicle_get_locked",
        "vehicle_monthly_payment_set",
        "vehicle_reservation_set",
        "vehicle_status_change",
        "vehicle_status_follow_sale",
        "transfer_request",
        "transfer_approve",
        "transfer_reject",
        "lifeline_status_create",
        "publication_criteria",
    ],
    "vehicles.selectors": ["vehicle_get_for_user", "vehicle_queryset_for_user"],
    "vehicles.panels": ["Panel", "register", "panels"],
    "vehicles.signals": ["status_changed", "transfer_decided"],
    "vehicles.tasks": ["delay_scan_task", "late_vehicles_send_task"],
    "vehicles.demo": ["seed"],
    "vehicles.bench": ["run"],
}
LOWER_LAYERS = ("models", "services", "selectors", "forms", "filters", "tasks", "rows")


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_public_names_keep_their_path(module):
    imported = importlib.import_module(module)
    missing = [name for name in PUBLIC[module] if not hasattr(imported, name)]
    assert not missing


def _modules():
    return [p for p in APP.rglob("*.py") if "migrations" not in p.parts]


def test_modules_stay_small_and_the_root_stays_short():
    too_long = {
        str(p.relative_to(APP)): n
        for p in _modules()
        if (n := len(p.read_text().splitlines())) > 800
    }
    assert not too_long
    assert len(list(APP.glob("*.py"))) <= 12


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports, absolute (relative imports resolved)."""
    package = ".".join(path.relative_to(APP.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def test_no_lower_layer_imports_a_views_module():
    offenders = {}
    for path in _modules():
        if path.stem in LOWER_LAYERS or path.parent.name == "services":
            views = {m for m in _imports(path) if m.split(".")[-1] == "views"}
            if views:
                offenders[str(path.relative_to(APP))] = views
    assert not offenders


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_cycle_between_the_modules():
    modules = {_module_name(p): p for p in _modules()}
    graph = {
        name: {
            m if m in modules else m.rsplit(".", 1)[0]
            for m in _imports(path)
            if m in modules or m.rsplit(".", 1)[0] in modules
        }
        - {name}
        for name, path in modules.items()
    }
    done, cycles = set(), []

    def visit(name, stack):
        if name in stack:
            cycles.append(stack[stack.index(name) :] + [name])
            return
        if name in done:
            return
        for dependency in graph[name]:
            visit(dependency, [*stack, name])
        done.add(name)

    for name in graph:
        visit(name, [])
    assert not cycles
