"""Accessibility checks of the browser tests: axe-core against the WCAG 2.1 A/AA rules (#13).

axe-core is vendored (``tests/e2e/vendor/axe.min.js``, MPL-2.0, header kept; see
``tests/e2e/vendor/README.md``): the tests need no CDN and no extra Python package.
The strict Content-Security-Policy forbids inline scripts, so the engine is not added as
a ``<script>``: its source is handed to ``page.evaluate`` inside a function, which
Playwright runs through the DevTools protocol, outside the page's CSP.

``axe_violations(page)`` gives the serious and critical violations of the current page;
``assert_accessible(page, name)`` fails listing them (rule, impact, node targets).
"""

from pathlib import Path

AXE_SOURCE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text()

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")

# A function, not an expression: the page's CSP forbids eval() of expressions.
_INJECT = "() => { if (!window.axe) { " + AXE_SOURCE + "\n } return !!window.axe; }"

_RUN = """async (tags) => {
  const results = await window.axe.run(document, {
    runOnly: {type: 'tag', values: tags},
    resultTypes: ['violations'],
  });
  return results.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map(n => ({
      target: n.target.map(String).join(' '),
      impact: n.impact,
      summary: (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200),
    })),
  }));
}"""


def axe_violations(page, impacts=BLOCKING_IMPACTS) -> list[dict]:
    """The violations of the WCAG 2.1 A/AA rules on the current page whose impact is one
    of ``impacts`` (each with its failing nodes)."""
    assert page.evaluate(_INJECT), "axe-core did not load"
    violations = page.evaluate(_RUN, WCAG_TAGS)
    return [v for v in violations if v["impact"] in impacts]


def format_violations(name: str, violations: list[dict]) -> list[str]:
    lines = []
    for v in violations:
        for node in v["nodes"]:
            lines.append(f"{name}: {v['id']} ({v['impact']}) {node['target']} — {node['summary']}")
    return lines


def assert_accessible(page, name: str) -> None:
    """Fail when the current page has a serious or critical WCAG 2.1 A/AA violation."""
    violations = axe_violations(page)
    assert not violations, "accessibility violations:\n" + "\n".join(
        format_violations(name, violations)
    )
