"""Makes the README's screenshot gallery (docs/screenshots/) from the
screenshots the browser suite leaves in target/browser/: a few pages at the
phone's size and one at the desktop's, scaled to their CSS size and saved as
palette PNGs so that each stays under 150 KB.

Run after the browser suite (scripts/test), with Pillow installed:
    python3 scripts/gallery.py
"""

import pathlib
import sys

from PIL import Image

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHOTS = ROOT / "target" / "browser"
OUT = ROOT / "docs" / "screenshots"
LIMIT = 150 * 1024

# (screenshot, CSS width): phones were taken at a device pixel ratio of 3.
PICKS = [
    ("home-ko-390.png", 390),
    ("stats-ko-390.png", 390),
    ("predict-en-390.png", 390),
    ("share-ja-390.png", 390),
    ("tickets-ko-390.png", 390),
    ("draws-en-1366.png", 1366),
    ("week-1-slip-390.png", 390),
    ("week-3-link-390.png", 390),
    ("week-4-drawn-390.png", 390),
    ("week-errors-ja-390.png", 390),
]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, width in PICKS:
        source = SHOTS / name
        if not source.exists():
            print(f"{source} is missing: run the browser suite first", file=sys.stderr)
            return 1
        image = Image.open(source).convert("RGB")
        if image.width != width:
            image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
        target = OUT / name
        image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
        size = target.stat().st_size
        print(f"{target.relative_to(ROOT)}: {image.width}x{image.height}, {size:,} bytes")
        if size > LIMIT:
            print(f"{name} is over {LIMIT:,} bytes", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
