"""Demo pictures drawn with Pillow: nothing is downloaded, so the demo works offline."""

import io
import math

from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

PALETTES = {
    "science": ((16, 110, 80), (150, 220, 170)),
    "fieldwork": ((170, 95, 20), (250, 215, 140)),
    "pbl": ((90, 60, 160), (210, 190, 250)),
    "online": ((20, 90, 170), (160, 205, 245)),
    "consultation": ((170, 50, 80), (250, 190, 200)),
    "site": ((11, 95, 138), (255, 220, 150)),
}


def draw_picture(label: str, palette: str, seed: int, size=(1200, 630)) -> bytes:
    """A gradient with soft circles and a short Latin label, as PNG bytes."""
    dark, light = PALETTES[palette]
    width, height = size
    img = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(img)
    for y in range(height):
        t = y / height
        colour = tuple(int(dark[i] * (1 - t) + light[i] * t) for i in range(3))
        draw.line([(0, y), (width, y)], fill=colour)
    for i in range(7):
        angle = seed * 0.9 + i * 1.3
        cx = int(width * (0.5 + 0.4 * math.cos(angle)))
        cy = int(height * (0.5 + 0.4 * math.sin(angle * 1.7)))
        r = 40 + (seed * 37 + i * 53) % 140
        tint = tuple(min(255, c + 40) for c in light)
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=tint, width=6)
    font = ImageFont.load_default(size=72)
    draw.text((60, height - 150), label, fill=(255, 255, 255), font=font)
    buffer = io.BytesIO()
    img.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
