"""QR codes of booking codes, drawn on the server as inline SVG (no script, no remote image)."""

import segno
from django.utils.safestring import mark_safe


def inline_svg(text: str) -> str:
    qr = segno.make(text, error="m", micro=False)
    return mark_safe(qr.svg_inline(scale=6, border=2, dark="#111", light="#fff"))  # noqa: S308
