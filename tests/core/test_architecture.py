"""The house (issue 11): sub-domain packages, no import cycles, lower layers never import views.

Read from the source with ``ast`` (no import side effects): every ``import`` counts, at
module level or inside a function, so that a lazy import cannot hide a cycle.
"""

from pathlib import Path

from openflex.core.architecture import APPS, import_graph, is_demo_or_bench, project_modules

ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 800
MAX_ROOT_MODULES = 16
LOWER_LAYERS = {"models", "services", "selectors", "forms", "filters", "tasks", "rights"}
MODULES = project_modules(ROOT)
GRAPH = import_graph(ROOT)


def _allowed(a: str, b: str) -> bool:
    """A service module and its own tasks module may import each other (lazily)."""
    pa, pb = a.rpartition(".")[0], b.rpartition(".")[0]
    leaves = {a.rpartition(".")[2], b.rpartition(".")[2]}
    return pa == pb and leaves == {"services", "tasks"}


def _package_inits(name: str) -> set[str]:
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def test_no_import_cycles():
    # A package's __init__ re-exporting its modules is not a dependency of those modules.
    graph = {
        name: {t for t in targets if t not in _package_inits(name)}
        for name, targets in GRAPH.items()
    }
    cycles = []
    index, low, stack, on_stack, counter = {}, {}, [], set(), [0]

    def strongconnect(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if _allowed(v, w):
                continue
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            strongconnect(v)
    assert cycles == []


def test_lower_layers_never_import_views():
    offenders = []
    for name, targets in GRAPH.items():
        leaf_parts = set(name.split("."))
        if leaf_parts & LOWER_LAYERS and "views" not in leaf_parts:
            bad = [t for t in targets if "views" in t.split(".")]
            if bad:
                offenders.append((name, bad))
    assert offenders == []


def test_stock_never_imports_the_sale_side():
    sale_side = ("opportunities", "payments", "signatures", "leads")
    offenders = [
        (name, sorted(t for t in targets if t.split(".")[0] in sale_side))
        for name, targets in GRAPH.items()
        if name.startswith("vehicles") and not is_demo_or_bench(name)
    ]
    assert [o for o in offenders if o[1]] == []


def test_no_module_over_800_lines():
    too_long = {
        name: n
        for name, path in MODULES.items()
        if not is_demo_or_bench(name) and (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert too_long == {}


def test_no_app_folder_with_more_than_16_modules_at_its_root():
    crowded = {
        app: n for app in APPS if (n := len(list((ROOT / app).glob("*.py")))) > MAX_ROOT_MODULES
    }
    assert crowded == {}
