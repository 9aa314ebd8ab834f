"""``manage.py graph_dependencies``: the sub-domains and who depends on whom, as Graphviz.

Writes docs/dependencies.dot, and docs/dependencies.svg when Graphviz's ``dot`` is
installed (Debian's ``graphviz`` package).
"""

import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from openflex.core.architecture import import_graph, subdomain_graph

COLOURS = {
    "openflex": "#e8eef7",
    "vehicles": "#e6f4ea",
    "opportunities": "#fdf1e3",
    "payments": "#f3e8fd",
    "signatures": "#fde8ef",
    "leads": "#e8f7f7",
}


class Command(BaseCommand):
    help = "Draw the dependencies between sub-domains into docs/dependencies.{dot,svg}."

    def handle(self, *args, **options):
        edges = subdomain_graph(import_graph())
        lines = [
            "digraph dependencies {",
            '  rankdir=LR; node [shape=box, style="rounded,filled", fontname="Helvetica"];',
        ]
        for app, colour in COLOURS.items():
            nodes = sorted(n for n in edges if n.split(".")[0] == app)
            if not nodes:
                continue
            lines.append(f'  subgraph "cluster_{app}" {{ label="{app}"; color="#999999";')
            lines.extend(f'    "{n}" [fillcolor="{colour}"];' for n in nodes)
            lines.append("  }")
        for source in sorted(edges):
            lines.extend(f'  "{source}" -> "{target}";' for target in sorted(edges[source]))
        lines.append("}")
        docs = Path(settings.BASE_DIR) / "docs"
        dot_path = docs / "dependencies.dot"
        dot_path.write_text("\n".join(lines) + "\n")
        self.stdout.write(f"wrote {dot_path}")
        dot = shutil.which("dot")
        if dot:
            svg = docs / "dependencies.svg"
            subprocess.run([dot, "-Tsvg", str(dot_path), "-o", str(svg)], check=True)  # noqa: S603
            self.stdout.write(f"wrote {svg}")
