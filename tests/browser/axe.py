"""axe-core accessibility checks shared by the browser tests."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe


def serious_violations(page) -> list[str]:
    """Run axe-core on the page as it is now.

    Args:
        page: A Playwright page.

    Returns:
        One line per serious or critical violation: rule, impact, help and up to three targets.
    """
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
