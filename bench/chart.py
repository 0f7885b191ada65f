"""The benchmark's bar chart, drawn with Pillow (which the site needs anyway).

Requests per second of every page, one bar per cache mode, on a logarithmic axis: the
ceilings and the slowest pages lie orders of magnitude apart.
"""

import math

from PIL import Image, ImageDraw, ImageFont

COLOURS = {"off": (45, 105, 165), "on": (230, 140, 40)}
ROW, BAR, LABELS, MARGIN = 34, 12, 260, 30
WIDTH = 1100


def draw(path, title, names, rates):
    """Write a PNG to `path`: `rates` maps a cache mode to {page name: requests/s}."""
    font = ImageFont.load_default(size=14)
    small = ImageFont.load_default(size=12)
    top = 80
    height = top + ROW * len(names) + 50
    picture = Image.new("RGB", (WIDTH, height), "white")
    pen = ImageDraw.Draw(picture)
    pen.text((MARGIN, 16), title, fill="black", font=ImageFont.load_default(size=18))

    values = [v for by_page in rates.values() for v in by_page.values() if v > 0]
    # A decade below the smallest value, so that even it gets a visible bar.
    low = 10 ** math.floor(math.log10(min(values, default=1) * 0.9))
    high = 10 ** math.ceil(math.log10(max(values, default=10) * 1.3))
    left, right = MARGIN + LABELS, WIDTH - MARGIN - 70

    def x(value):
        fraction = (math.log10(max(value, low)) - math.log10(low)) / math.log10(high / low)
        return left + fraction * (right - left)

    bottom = top + ROW * len(names)
    decade = low
    while decade <= high:
        pen.line([(x(decade), top - 6), (x(decade), bottom)], fill=(215, 215, 215))
        pen.text((x(decade), bottom + 6), f"{decade:g}", fill="black", font=small, anchor="mt")
        decade *= 10
    pen.text(((left + right) / 2, bottom + 26), "requests per second (log scale)",
             fill="black", font=small, anchor="mt")

    legend = left
    for mode in rates:
        pen.rectangle([legend, 52, legend + 14, 64], fill=COLOURS[mode])
        pen.text((legend + 20, 58), f"page cache {mode}", fill="black", font=small, anchor="lm")
        legend += 140

    for row, name in enumerate(names):
        y = top + row * ROW
        pen.text((left - 10, y + ROW / 2), name, fill="black", font=font, anchor="rm")
        for n, (mode, by_page) in enumerate(rates.items()):
            value = by_page.get(name, 0)
            y0 = y + 4 + n * (BAR + 2)
            pen.rectangle([left, y0, x(value), y0 + BAR], fill=COLOURS[mode])
            pen.text((x(value) + 6, y0 + BAR / 2), f"{value:,.1f}", fill="black", font=small,
                     anchor="lm")
    pen.line([(left, top - 6), (left, bottom)], fill="black")
    picture.save(path)
