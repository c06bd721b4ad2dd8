"""Make the README's chart images (docs/img/*.png) from the default collection.

Usage::

    .venv/bin/python scripts/make_readme_images.py                 # builds a report first
    .venv/bin/python scripts/make_readme_images.py --report reports/putin-xi-2022

The charts are taken from the report pages (the specs the notebooks drew), picked by title, and
rendered to PNG with vl-convert, offline. A missing title stops the script with the titles it
found, so a renamed chart cannot silently drop out of the README.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import vl_convert as vlc

from helpers import paths
from helpers.charts import render
from helpers.report import build_report

#: Image file stem → (report page stem, start of the chart title).
PICKS: dict[str, tuple[str, str]] = {
    "wire_overlap": ("01_framing", "Share of each outlet's sentences found in another outlet"),
    "frames": ("01_framing", "Frame terms per 1,000 words"),
    "attribution_verbs": ("01_framing", "Attribution verbs"),
    "readability": ("02_readability", "Grade level by formula and outlet"),
    "topic_shares": ("03_topics", "Topic shares per outlet"),
}
OUT = paths.ROOT / "docs" / "img"
SCALE = 1.0


def _title(spec: dict) -> str:
    title = spec.get("title", "")
    return title.get("text", "") if isinstance(title, dict) else str(title)


def make_images(report: Path, out: Path = OUT) -> list[Path]:
    """Write one PNG per entry of :data:`PICKS` from the pages in ``report``; return the files."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (page, title) in PICKS.items():
        specs = render.read_chart_specs((report / f"{page}.html").read_text("utf-8"))
        found = [s for s in specs if _title(s).startswith(title)]
        if not found:
            titles = "; ".join(_title(s) or "(untitled)" for s in specs)
            raise SystemExit(f"{page}: no chart titled {title!r}. Titles: {titles}")
        png = vlc.vegalite_to_png(found[0], vl_version=render.VEGALITE_VERSION, scale=SCALE)
        path = out / f"{name}.png"
        path.write_bytes(png)
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", type=Path, help="an existing report folder of the seeds")
    args = parser.parse_args(argv)
    if args.report:
        files = make_images(args.report)
    else:
        with tempfile.TemporaryDirectory(prefix="framekit-readme-") as tmp:
            build_report(paths.DATA_RAW / paths.DEFAULT_COLLECTION, Path(tmp))
            files = make_images(Path(tmp))
    for path in files:
        print(f"{path.relative_to(paths.ROOT)}  {path.stat().st_size // 1024} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
