"""Fonts for the PDFs we write, shipped with the project (src/stint/core/fonts/,
NOTICE.md): DejaVu Sans for Latin, Greek, Cyrillic, Hebrew, Arabic and most
symbols, and Droid Sans Fallback for Chinese, Japanese and Korean. reportlab does
not fall back between fonts by itself, so `markup` wraps each run of characters
the main font lacks in the fallback font. The PDF's built-in Helvetica covers only
Latin-1: a name like "Zoë Łukasiewicz" or "李雷" came out as black boxes."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FOLDER = Path(__file__).resolve().parent / "fonts"
REGULAR = "StintSans"
BOLD = "StintSans-Bold"
FALLBACK = "StintFallback"
_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    FALLBACK: "DroidSansFallbackFull.ttf",
}
_lock = threading.Lock()
_registered = False


def register() -> None:
    """Register the fonts with reportlab once per process."""
    global _registered
    with _lock:
        if _registered:
            return
        for name, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FOLDER / filename)))
        pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD)
        _registered = True


@lru_cache(maxsize=2)
def _covered(font: str) -> frozenset[int]:
    register()
    return frozenset(pdfmetrics.getFont(font).face.charWidths)


def markup(text: str) -> str:
    """`text` escaped for a reportlab Paragraph, with characters the main font
    cannot draw set in the fallback font."""
    main = _covered(REGULAR)
    out: list[str] = []
    run: list[str] = []
    in_fallback = False
    for ch in text:
        needs = ord(ch) not in main and not ch.isspace()
        if needs != in_fallback and run:
            out.append(_run("".join(run), in_fallback))
            run = []
        in_fallback = needs
        run.append(ch)
    if run:
        out.append(_run("".join(run), in_fallback))
    return "".join(out)


def _run(text: str, fallback: bool) -> str:
    escaped = escape(text)
    return f'<font name="{FALLBACK}">{escaped}</font>' if fallback else escaped
