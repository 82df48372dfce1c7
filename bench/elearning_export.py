"""Time the export of the full-course path (parcours-complet) in each format; median of several runs.

    .venv/bin/python bench/elearning_export.py [--runs 7]

Measures what `flask export scorm|offline` does once the app has loaded and checked the content:
render every page, build the manifest, zip. Content loading (done once at start-up) is timed apart.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from training import create_app  # noqa: E402
from training.content.loader import load_content  # noqa: E402
from training.elearning.service import build_package, resolve  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--path", default="parcours-complet")
    args = parser.parse_args()
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "bench" * 8,
                      "CONTENT_ROOT": str(ROOT)})
    started = time.perf_counter()
    load_content(ROOT, ROOT / "source" / "rapport-tat-2016.txt")
    print(f"content load and check (once per process): {time.perf_counter() - started:.3f} s")
    with app.app_context():
        reg = app.extensions["training.content"]
        target = resolve(reg, f"parcours:{args.path}")
        for fmt in ("scorm12", "scorm2004", "offline"):
            times, size = [], 0
            for _ in range(args.runs):
                started = time.perf_counter()
                size = len(build_package(app.jinja_env, reg, target, fmt))
                times.append(time.perf_counter() - started)
            print(f"{fmt:10} {len(target.modules)} modules  median {statistics.median(times):.3f} s  "
                  f"(min {min(times):.3f}, max {max(times):.3f}, {args.runs} runs)  zip {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
