"""The import graph of the project's own modules, read from the source with ``ast``.

Used by ``manage.py graph_dependencies`` (the picture in docs/architecture.md) and by
tests/core/test_architecture.py (no cycles, lower layers never import views). Every
``import`` counts, at module level or inside a function, so a lazy import cannot hide a
dependency.
"""

import ast
from pathlib import Path

from django.conf import settings

APPS = ("openflex", "vehicles", "opportunities", "payments", "signatures", "leads")


def project_modules(root: Path | None = None) -> dict[str, Path]:
    """Dotted name → file of every module of the apps (migrations left out)."""
    root = root or Path(settings.BASE_DIR)
    found = {}
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            rel = path.relative_to(root)
            if "migrations" in rel.parts:
                continue
            name = ".".join(rel.with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def module_imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """Project modules that ``name`` imports (``from a import b`` counts a.b when it is one)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            targets.add(base)
            targets.update(f"{base}.{alias.name}" for alias in node.names)
    return {t for t in targets if t in known and t != name}


def import_graph(root: Path | None = None) -> dict[str, set[str]]:
    modules = project_modules(root)
    return {name: module_imports(name, path, modules) for name, path in modules.items()}


def subdomain_of(name: str) -> str:
    """``opportunities.sales.services.core`` → ``opportunities.sales``; root modules → the app."""
    parts = name.split(".")
    return ".".join(parts[:2]) if len(parts) > 2 else parts[0]


# Modules at an app's root that only gather its sub-domains for Django and Celery (models,
# urls, tasks, tiles, effects, apps): their imports are wiring, not dependencies.
WIRING = {
    "models",
    "urls",
    "tasks",
    "tiles",
    "effects",
    "apps",
    "celery",
    "wsgi",
    "asgi",
    "configuration",
}


def subdomain_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Which sub-domain depends on which (demo, bench and wiring modules left out)."""
    edges: dict[str, set[str]] = {}
    for name, targets in graph.items():
        parts = name.split(".")
        if is_demo_or_bench(name) or (len(parts) == 2 and parts[1] in WIRING):
            continue
        source = subdomain_of(name)
        edges.setdefault(source, set())
        for target in targets:
            dest = subdomain_of(target)
            if dest != source and not is_demo_or_bench(target):
                edges[source].add(dest)
    return edges


def is_demo_or_bench(name: str) -> bool:
    """Development tooling (demo data, benchmarks, the chaos harness) may reach everything."""
    return any(part in ("demo", "bench", "devdata", "chaos") for part in name.split("."))
