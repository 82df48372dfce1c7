"""Stand-alone content check: `python -m training.content.check [ROOT]` (the CLI wraps the same code)."""
from __future__ import annotations

import sys
from pathlib import Path

from .loader import load_content
from .parsing import ContentInvalid
from ..wording import pluralise


def run(root: Path, report: Path) -> int:
    try:
        registry = load_content(root, report)
    except ContentInvalid as exc:
        for error in exc.errors:
            print(error)
        print(f"{pluralise(len(exc.errors), 'erreur')} dans le contenu.", file=sys.stderr)
        return 1
    print(f"Contenu valide : {len(registry.modules)} modules, {len(registry.exercises)} exercices, "
          f"{len(registry.quizzes)} quiz, {len(registry.paths)} parcours, "
          f"{len(registry.fiches_actions)} fiches-actions, {len(registry.pages)} pages.")
    return 0


if __name__ == "__main__":
    base = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
    sys.exit(run(base, Path(__file__).resolve().parents[2] / "source" / "rapport-tat-2016.txt"))
