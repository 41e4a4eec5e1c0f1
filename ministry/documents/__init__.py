"""The ministry report's documents: `build_pptx(doc)` and `build_pdf(doc)` turn a
`content.ReportDocument` into file bytes.

The builders are loaded on first use (PEP 562): python-pptx, reportlab and matplotlib are heavy,
and the services import `content` from here on every request, while only a download needs them.
"""

__all__ = ["build_pdf", "build_pptx"]


def __getattr__(name: str):
    if name == "build_pptx":
        from .slides import build_pptx

        return build_pptx
    if name == "build_pdf":
        from .pdf import build_pdf

        return build_pdf
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
