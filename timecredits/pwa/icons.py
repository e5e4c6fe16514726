"""The app's icon, drawn once here: a white clock face on the brand green. Writes the SVG and the
PNGs the web app manifest, browsers and phones ask for (`make icons`, or
`python -m timecredits.pwa.icons`); the files are committed, so nothing draws them at run time.

Pillow cannot read SVG, so the same shapes are drawn twice, from the one set of numbers below: as
SVG markup and with Pillow at four times the size, then scaled down for smooth edges.
"""

import sys
from pathlib import Path

from PIL import Image, ImageDraw

GREEN = "#0b5d3b"
WHITE = "#ffffff"
# Geometry on a 512 x 512 canvas. The ring's outer edge (radius 168) stays inside the maskable
# safe zone (a circle of radius 0.4 x 512 = 204.8), so a phone's round or squircle mask never
# cuts the clock.
BOX = 512
CORNER = 112
CENTRE = 256
RING_RADIUS = 150
STROKE = 36
HANDS = [(256, 150), (317, 291)]  # minute hand to 12, hour hand to 4

OUT = Path(__file__).resolve().parents[1] / "static" / "icons"
SIZES = {"icon-192.png": 192, "icon-512.png": 512, "apple-touch-icon.png": 180}
MASKABLE = {"maskable-192.png": 192, "maskable-512.png": 512}
FAVICON_SIZES = [16, 32, 48]


def svg(*, maskable: bool = False) -> str:
    corner = 0 if maskable else CORNER
    hands = "".join(f"M{CENTRE} {CENTRE}L{x} {y}" for x, y in HANDS)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {BOX} {BOX}">'
        f'<rect width="{BOX}" height="{BOX}" rx="{corner}" fill="{GREEN}"/>'
        f'<circle cx="{CENTRE}" cy="{CENTRE}" r="{RING_RADIUS}" fill="none" stroke="{WHITE}" '
        f'stroke-width="{STROKE}"/>'
        f'<path d="{hands}" fill="none" stroke="{WHITE}" stroke-width="{STROKE}" '
        f'stroke-linecap="round"/>'
        "</svg>\n"
    )


def png(size: int, *, maskable: bool = False) -> Image.Image:
    """The icon at `size` pixels: rounded and transparent outside the corners, or full-bleed
    (maskable, and Apple's touch icon, which iOS rounds itself)."""
    scale = size * 4 / BOX

    def s(value: float) -> float:
        return value * scale

    big = Image.new("RGBA", (size * 4, size * 4), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    corner = 0 if maskable else CORNER
    draw.rounded_rectangle((0, 0, s(BOX) - 1, s(BOX) - 1), radius=s(corner), fill=GREEN)
    outer, inner = RING_RADIUS + STROKE / 2, RING_RADIUS - STROKE / 2
    draw.ellipse(
        (s(CENTRE - outer), s(CENTRE - outer), s(CENTRE + outer), s(CENTRE + outer)), fill=WHITE
    )
    draw.ellipse(
        (s(CENTRE - inner), s(CENTRE - inner), s(CENTRE + inner), s(CENTRE + inner)), fill=GREEN
    )
    cap = STROKE / 2
    for x, y in HANDS:
        draw.line((s(CENTRE), s(CENTRE), s(x), s(y)), fill=WHITE, width=round(s(STROKE)))
        for px, py in ((CENTRE, CENTRE), (x, y)):
            draw.ellipse((s(px - cap), s(py - cap), s(px + cap), s(py + cap)), fill=WHITE)
    return big.resize((size, size), Image.Resampling.LANCZOS)


def write(folder: Path = OUT) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    (folder / "icon.svg").write_text(svg())
    written.append(folder / "icon.svg")
    for name, size in SIZES.items():
        image = png(size, maskable=name.startswith("apple"))
        if name.startswith("apple"):
            image = image.convert("RGB")  # iOS shows transparency as black
        image.save(folder / name, optimize=True)
        written.append(folder / name)
    for name, size in MASKABLE.items():
        png(size, maskable=True).convert("RGB").save(folder / name, optimize=True)
        written.append(folder / name)
    favicon = png(max(FAVICON_SIZES))
    favicon.save(folder / "favicon.ico", sizes=[(n, n) for n in FAVICON_SIZES])
    written.append(folder / "favicon.ico")
    return written


if __name__ == "__main__":
    for path in write(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT):
        print(path)
