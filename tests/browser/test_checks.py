"""The page checks find what they look for: a page built to break each rule is reported, element
by element, and a page that keeps them is not. (test_pages.py passing proves nothing if a check
can see nothing.)"""

from tests.browser import checks

BROKEN = """<!doctype html><html lang="en"><head><title>Broken</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<main><h1>Broken</h1>
<div class="wide">wide</div>
<button class="tiny">x</button>
<p><a href="/x" class="short">short link</a></p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<div class="table-scroll"><table class="scrolls"><tr><td>in a scrolling box</td></tr></table></div>
</main>
<style>
body { margin: 0; font: 10px/1 sans-serif; }
.wide { width: 500px; }
.tiny { width: 20px; height: 20px; padding: 0; }
.table-scroll { overflow-x: auto; }
.scrolls { width: 900px; }
</style></body></html>"""

KEPT = """<!doctype html><html lang="en"><head><title>Kept</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head><body>
<header><a href="/">Home</a></header>
<main><h1>Kept</h1>
<p>Read <a href="/more">more</a> here.</p>
<button>Go</button>
<div class="table-scroll"><table><tr><td>a wide table, scrolled in its box</td></tr></table></div>
</main>
<style>
body { margin: 0 16px; font: 16px/1.5 sans-serif; }
header a, button { display: inline-block; min-width: 44px; min-height: 44px; }
p a { display: inline-block; min-height: 24px; }
.table-scroll { overflow-x: auto; }
table { width: 900px; }
</style></body></html>"""


def test_a_page_that_breaks_each_rule_is_reported_element_by_element(phone):
    phone.set_content(BROKEN)

    wide = checks.overflow(phone)
    small = checks.small_targets(phone)
    axe = checks.axe_violations(phone)

    assert wide[0] == "the page is 500 px wide (viewport 360 px)", wide
    assert wide[1] == 'main > div.wide "wide" ends at 500 px', wide
    assert not any("scrolls" in line for line in wide), "a table scrolled in its box is fine"
    assert small == [
        'main > button.tiny "x" is 20 x 20 px (needs 44 x 44)',
        'main > p > a.short "short link" is 11 px tall (needs 24)',
    ]
    assert any(line.startswith("axe image-alt (critical)") for line in axe), axe


def test_a_page_that_keeps_the_rules_is_not_reported(phone):
    phone.set_content(KEPT)

    assert checks.overflow(phone) == []
    assert checks.small_targets(phone) == []
    assert checks.axe_violations(phone) == []
