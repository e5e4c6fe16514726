"""What the browser checks on a page, run inside it: axe-core, overflow past the phone's width,
and the size of what a thumb has to hit. Each returns a list of findings, one line each, naming
the element by a short CSS path and its measured size, so one run shows every problem."""

from functools import cache
from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SERIOUS = ("critical", "serious")

# Buttons and navigation are thumb targets: 44 x 44 CSS px (the design system's minimum, WCAG
# 2.5.5). Every other link must be at least 24 px tall (WCAG 2.5.8, which a link inside a
# sentence meets through its line's height).
BUTTONS = "button, .button, input[type=submit], input[type=button]"
NAVIGATION = "header a, nav.tabbar a, .action, .list-link"
LARGE, SMALL = 44, 24

# A short, readable CSS path for an element: up to three ancestors, with ids and classes.
_NAME = r"""
const nameOf = (el) => {
  const one = (e) => {
    let s = e.tagName.toLowerCase();
    if (e.id) return s + "#" + e.id;
    if (e.classList.length) s += "." + [...e.classList].join(".");
    return s;
  };
  const parts = [];
  for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement)
    parts.unshift(one(e));
  const words = el.innerText || el.value || el.getAttribute("aria-label") || "";
  const text = words.replace(/\s+/g, " ").trim();
  return parts.join(" > ") + (text ? ` "${text.slice(0, 30)}"` : "");
};
const shown = (el) => {
  const style = getComputedStyle(el);
  if (style.visibility === "hidden" || style.display === "none") return null;
  const r = el.getBoundingClientRect();
  // Nothing to hit: not laid out, visually hidden (1 px clip), or parked off screen (a skip link).
  if (r.width <= 1 || r.height <= 1 || r.right <= 0) return null;
  return r;
};
const px = (n) => Math.round(n * 10) / 10;
"""

OVERFLOW = (
    "(width) => {"
    + _NAME
    + """
  // Not window.innerWidth: a mobile browser widens its layout viewport to fit content wider
  // than the screen (zooming out), so innerWidth grows with the very overflow looked for.
  const found = [];
  const page = document.documentElement.scrollWidth;
  if (page > width) found.push(`the page is ${page} px wide (viewport ${width} px)`);
  const beyond = (el) => el.getBoundingClientRect().right > width + 0.5;
  for (const el of document.body.querySelectorAll("*")) {
    const r = shown(el);
    if (!r || r.right <= width + 0.5) continue;
    let clipped = false;  // inside a scrolling box (.table-scroll) that itself fits
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible" && !beyond(a)) { clipped = true; break; }
    }
    const parent = el.parentElement;
    if (clipped || (parent && parent !== document.body && beyond(parent) && shown(parent)))
      continue;  // the outermost element that overflows is the one reported
    found.push(`${nameOf(el)} ends at ${px(r.right)} px`);
  }
  return found;
}"""
)

TARGETS = (
    "([buttons, navigation, large, small]) => {"
    + _NAME
    + """
  const found = [];
  const big = `${buttons}, ${navigation}`;
  for (const el of document.querySelectorAll(`${big}, a[href]`)) {
    const r = shown(el);
    if (!r) continue;
    if (el.matches(big)) {
      if (r.width + 0.01 < large || r.height + 0.01 < large) {
        const size = `${px(r.width)} x ${px(r.height)} px`;
        found.push(`${nameOf(el)} is ${size} (needs ${large} x ${large})`);
      }
    } else if (r.height + 0.01 < small) {
      found.push(`${nameOf(el)} is ${px(r.height)} px tall (needs ${small})`);
    }
  }
  return found;
}"""
)


@cache
def axe_source() -> str:
    return AXE.read_text()


def axe_violations(page) -> list[str]:
    """Critical and serious axe-core violations. The page's Content-Security-Policy refuses
    inline scripts, and `add_script_tag(path=...)` inlines the file, so axe is evaluated through
    the DevTools protocol instead, which the policy does not govern: the page itself stays under
    its real policy for every other check."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    violations = page.evaluate(
        """async () => {
          const result = await axe.run(document, {resultTypes: ["violations"]});
          return result.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.map((n) => n.target.join(" ")),
          }));
        }"""
    )
    return [
        f"axe {v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'][:5])}"
        + (f" and {len(v['targets']) - 5} more" if len(v["targets"]) > 5 else "")
        for v in violations
        if v["impact"] in SERIOUS
    ]


def overflow(page) -> list[str]:
    return page.evaluate(OVERFLOW, page.viewport_size["width"])


def small_targets(page) -> list[str]:
    return page.evaluate(TARGETS, [BUTTONS, NAVIGATION, LARGE, SMALL])
