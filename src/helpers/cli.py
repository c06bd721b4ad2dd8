"""The ``framekit`` command: ``framekit parse`` and ``framekit report`` (contracts in DESIGN.md)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from helpers.article import Article

# helpers.corpus and helpers.ingest (pandas, NumPy: 0.25 s) are imported by the commands that
# use them: `framekit report` starts the process that forks its kernels before it needs them.


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # the reader went away (`framekit parse DIR | head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so flushing stdout at exit does not fail again
        return 1
    except Exception as exc:
        if not isinstance(exc, (FileNotFoundError, *_collection_errors())):
            raise
        print(f"framekit: error: {exc}", file=sys.stderr)
        return 1


def _collection_errors() -> tuple[type[Exception], ...]:
    """:class:`helpers.corpus.CollectionError`, if that module has been imported (it has,
    when one was raised)."""
    corpus = sys.modules.get("helpers.corpus")
    return (corpus.CollectionError,) if corpus is not None else ()


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="framekit", description="Compare how news outlets frame the same story.")
    sub = parser.add_subparsers(dest="command", required=True)

    parse = sub.add_parser("parse", help="parse article files and print what was extracted")
    parse.add_argument("paths", nargs="+", metavar="PATH",
                       help="article files (.txt .md .html) or folders of them")
    parse.add_argument("--sources", metavar="CSV",
                       help="sources.csv with columns file,outlet,url,published "
                            "(default: the sources.csv inside each folder given)")
    parse.add_argument("--json", action="store_true",
                       help="print a JSON array, one object per input file")
    parse.set_defaults(func=run_parse)

    report = sub.add_parser("report", help="run every notebook on a collection into HTML")
    report.add_argument("--data", required=True, metavar="DIR", help="collection folder")
    report.add_argument("--out", required=True, metavar="DIR", help="output folder")
    report.add_argument("--dask", metavar="ADDRESS", default=None,
                        help="Dask scheduler address (tcp://host:8786) for per-article work")
    report.add_argument("--refit", action="store_true",
                        help="fit the topic model afresh instead of reusing the last run's fit "
                             "(reused while at most 5%% of the paragraphs changed)")
    report.add_argument("--quiet", action="store_true", help="no progress output")
    report.set_defaults(func=run_report)
    return parser


def collect_inputs(paths: Sequence[str], sources_csv: str | None) -> list[tuple[Path, dict | None,
                                                                                  str | None]]:
    """Expand PATH arguments into ``(file, sources_row, skip_reason)`` triples, in order.

    Folders expand to their files (unsupported ones come back with a skip reason); a file
    whose bytes repeat an earlier input is marked as a duplicate.
    """
    from helpers.corpus import read_sources
    from helpers.ingest import hash_bytes, list_article_files

    explicit = read_sources(Path(sources_csv).parent, name=Path(sources_csv).name) \
        if sources_csv else None
    items: list[tuple[Path, dict | None, str | None]] = []
    seen: dict[str, str] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            table = explicit if explicit is not None else read_sources(path)
            files, unsupported = list_article_files(path)
            entries = [(p, None) for p in files] + [(p, r) for p, r in unsupported]
            entries.sort(key=lambda e: e[0].name)
        elif path.exists():
            table = explicit or {}
            entries = [(path, None)]
        else:
            raise FileNotFoundError(f"no such file or folder: {raw}")
        for file, reason in entries:
            if reason is None:
                try:
                    digest = hash_bytes(file.read_bytes())
                except OSError:
                    digest = None
                if digest and digest in seen and file.stat().st_size:
                    reason = f"duplicate: same content as {seen[digest]}"
                elif digest:
                    seen[digest] = str(file)
            items.append((file, table.get(file.name), reason))
    return items


def run_parse(args: argparse.Namespace) -> int:
    """``framekit parse``: one JSON object (or one summary line) per input file."""
    from helpers.corpus import parse_path

    results: list[Article] = []
    for path, row, reason in collect_inputs(args.paths, args.sources):
        if reason is not None:
            results.append(Article(source=str(path), status="skipped", reason=reason))
            continue
        article = parse_path(path, row)
        article.source = str(path)
        results.append(article)
    if args.json:
        json.dump([a.to_json() for a in results], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for a in results:
            if a.status == "ok":
                print(f"{a.source}: {a.outlet} | {a.headline} | {a.published or 'no date'} | "
                      f"{len(a.paragraphs)} paragraphs, {len(a.removed)} lines removed")
            else:
                print(f"{a.source}: skipped ({a.reason})")
    return 0


def run_report(args: argparse.Namespace) -> int:
    """``framekit report``: run the notebooks on a collection and write HTML pages."""
    from helpers.report import ReportError, build_report

    try:
        index = build_report(Path(args.data), Path(args.out), dask_address=args.dask,
                             refit=args.refit, progress=not args.quiet)
    except ReportError as exc:
        print(f"framekit: error: {exc}", file=sys.stderr)
        return 1
    print(index)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
