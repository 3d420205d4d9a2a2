"""The report as headless Chromium shows it (Debian's `chromium` package): the rendered DOM for the
tests, and the screenshots in `docs/`.

    .venv/bin/python -m tests.browser   # after `sendkg report`: docs/report-page.png, docs/report-map.png
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium() -> str | None:
    return next(filter(None, map(shutil.which, NAMES)), None)


def headless(*arguments: str, timeout: float = 120) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="sendkg-chromium-") as profile:
        command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={profile}", *arguments]
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


def rendered(page: Path) -> str:
    """The DOM after Chromium has loaded and laid out the page."""
    return headless("--dump-dom", page.resolve().as_uri()).stdout


def screenshot(page: Path, image: Path, width: int, height: int) -> Path:
    headless(f"--screenshot={image.resolve()}", f"--window-size={width},{height}", page.resolve().as_uri())
    return image


def main() -> int:
    page = ROOT / "output" / "sendkg-report.html"
    if chromium() is None:
        print("needs Chromium (apt install chromium)", file=sys.stderr)
        return 2
    if not page.exists():
        print(f"{page}: run `sendkg report` first", file=sys.stderr)
        return 2
    for image, (width, height) in {"report-map.png": (1100, 760), "report-page.png": (1300, 5200)}.items():
        print(screenshot(page, ROOT / "docs" / image, width, height).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
