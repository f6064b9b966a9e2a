"""The accessibility checkers the suite runs, installed by the project's own files
(`npm ci` from package.json, see the Makefile): axe-core in Chromium and the Nu HTML
Checker (vnu) on the machine's Java.

Pages are checked as Django answered them: a Chromium page whose every request is
answered here (the page itself from the response, the app's static files from disk, and
nothing else), so no server runs and nothing reaches the network.
"""

import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
# WCAG 2.0 and 2.1, levels A and AA: what EN 301 549 asks of the council.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# A phone held upright (WCAG 1.4.10's 320 CSS px) and a desktop.
WIDTHS = (320, 1366)
ORIGIN = "https://testserver"


# The outermost elements that reach past the page's right edge outside any scrolling
# box: where a page that scrolls sideways is to be mended.
WIDEST_ELEMENTS = r"""() => {
  const edge = document.documentElement.clientWidth + 1;
  const scrolls = (box) => ["auto", "scroll"].includes(getComputedStyle(box).overflowX);
  const name = (element) => element.tagName.toLowerCase() +
    (typeof element.className === "string" && element.className.trim()
      ? "." + element.className.trim().split(/\s+/).join(".") : "");
  const found = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.right <= edge || box.width === 0) continue;
    let parent = element.parentElement, inside = false;
    while (parent && !inside) { inside = scrolls(parent); parent = parent.parentElement; }
    if (inside) continue;
    // The innermost: none of its children reaches as far.
    const wider = [...element.children].some(
      (child) => child.getBoundingClientRect().right >= box.right);
    const text = element.textContent.trim().slice(0, 30);
    if (!wider) found.push(`${name(element)} (${Math.round(box.width)} px) «${text}»`);
  }
  return found.slice(0, 4);
}"""


@dataclass
class Findings:
    """What the checkers found on one page: empty lists when it passes."""

    axe: list[str] = field(default_factory=list)
    sideways_scroll: list[str] = field(default_factory=list)


def missing_tools() -> list[str]:
    return [str(path) for path in (AXE, VNU) if not path.exists()]


class Chromium:
    """One browser page that shows Django's responses and runs axe-core on them."""

    def __init__(self, browser):
        self.context = browser.new_context(locale="ca-ES")
        # Injected by the browser itself, so the pages' Content-Security-Policy (which
        # allows no inline script) stays as production sends it.
        self.context.add_init_script(path=str(AXE))
        self.page = self.context.new_page()
        self.page.route("**/*", self._answer)
        self.current: tuple[str, int, dict, bytes] | None = None

    def close(self):
        self.context.close()

    def _answer(self, route):
        url = urlsplit(route.request.url)
        path, status, headers, body = self.current
        if url.path == path and route.request.is_navigation_request():
            route.fulfill(status=status, headers=headers, body=body)
        elif url.path.startswith(settings.STATIC_URL) and (
            found := finders.find(url.path[len(settings.STATIC_URL) :])
        ):
            route.fulfill(path=found)
        else:
            route.abort()

    def show(self, path: str, status: int, headers: dict, body: bytes, width: int):
        """The page as Chromium lays it out `width` CSS px wide."""
        self.current = (path, status, headers, body)
        self.page.set_viewport_size({"width": width, "height": 800})
        self.page.goto(ORIGIN + path, wait_until="load")
        return self.page

    def check(self, path: str, status: int, headers: dict, body: bytes) -> Findings:
        findings = Findings()
        for width in WIDTHS:
            self.show(path, status, headers, body, width)
            overflow = self.page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                culprits = ", ".join(self.page.evaluate(WIDEST_ELEMENTS))
                findings.sideways_scroll.append(
                    f"{width} px wide: {overflow} px sideways, because of {culprits}"
                )
            result = self.page.evaluate(
                "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                " resultTypes: ['violations']})",
                AXE_TAGS,
            )
            for violation in result["violations"]:
                targets = [" ".join(node["target"]) for node in violation["nodes"][:3]]
                findings.axe.append(
                    f"{width} px: {violation['id']} ({violation['help']}) at {', '.join(targets)}"
                )
        return findings


def vnu_errors(documents: dict[str, str]) -> dict[str, list[str]]:
    """The Nu HTML Checker's errors for each document (name → HTML), in one run of it."""
    errors: dict[str, list[str]] = {name: [] for name in documents}
    with tempfile.TemporaryDirectory() as folder:
        for name, html in documents.items():
            (Path(folder) / f"{name}.html").write_text(html, encoding="utf-8")
        run = subprocess.run(
            ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", folder],
            capture_output=True,
            text=True,
            timeout=600,
        )
    for message in json.loads(run.stderr)["messages"]:
        if message["type"] != "error":
            continue
        name = Path(urlsplit(message["url"]).path).stem
        line = message.get("lastLine", "?")
        errors[name].append(
            f"line {line}: {message['message']} «{message.get('extract', '').strip()}»"
        )
    return errors
