"""The report as PDF: the HTML report rendered by WeasyPrint.

WeasyPrint lays out the same HTML and CSS as the browser view (print styles: A4, a cover page,
a running title and "page N of M" in the footer) and keeps the inline SVG charts as vector
graphics. Chinese text needs a CJK font on the machine (Debian: `fonts-noto-cjk`, installed by
`make system-deps`); the stylesheet names Noto Sans CJK SC first for zh-CN.
"""

from __future__ import annotations

import logging
from pathlib import Path

from socialroi.errors import SocialroiError


def write_pdf(html: str, path: Path) -> Path:
    try:
        import weasyprint  # deferred: needs the Pango library; a clear error if missing
    except OSError as exc:  # WeasyPrint imports but Pango is missing
        raise SocialroiError(
            f"cannot write the PDF: WeasyPrint needs the Pango library ({exc}). On Debian or "
            "Ubuntu run `make system-deps` (apt-get install libpango-1.0-0 libpangoft2-1.0-0)."
        ) from None
    # WeasyPrint warns about CSS it does not support (e.g. screen-only properties); the report
    # is still complete, so keep those out of the user's terminal.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    weasyprint.HTML(string=html, base_url=None).write_pdf(path)
    return path
