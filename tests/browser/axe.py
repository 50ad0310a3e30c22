from pathlib import Path

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page):
    """Run axe-core in the page and return its WCAG 2.1 A/AA violations, summarised."""
    # Evaluated rather than added as a <script>: the pages' Content-Security-Policy (rightly)
    # blocks inline scripts, and the browser tests keep that policy enforced.
    page.evaluate(AXE_SCRIPT.read_text() + "\n;undefined")
    # resultTypes: passes, incomplete and inapplicable keep one node each instead of all, so
    # axe builds a CSS selector for the violations only; violations keep every node. It
    # halved the time of an axe run on the larger pages (the listing, Easy Japanese's ruby).
    result = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        })""",
        WCAG_AA_TAGS,
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
    ]
