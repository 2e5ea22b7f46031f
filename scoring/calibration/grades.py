"""Human grades for a calibration set: a CSV of grader_id, call_id, criterion_id, answer."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ScoringError
from ..rubric import Rubric

COLUMNS = ("grader_id", "call_id", "criterion_id", "answer")
NA_ANSWERS = {"n/a", "na", "not applicable"}


class GradesError(ScoringError):
    """The grades file is invalid; the message lists each problem with its line number."""


@dataclass
class GradeSet:
    """answers[(call_id, criterion_id)][grader_id] = answer (None = N/A)."""

    answers: dict[tuple[str, str], dict[str, str | None]] = field(default_factory=dict)

    @property
    def graders(self) -> list[str]:
        return sorted({g for by in self.answers.values() for g in by})

    @property
    def calls(self) -> list[str]:
        return sorted({c for c, _ in self.answers})

    def consensus(self, rubric: Rubric) -> dict[tuple[str, str], str | None]:
        """The graders' majority answer per call and criterion; a tie goes to the answer worth
        fewer points (the stricter reading), N/A only when most graders said N/A."""
        criteria = {c.id: c for _, c in rubric.criteria()}
        out = {}
        for key, by in self.answers.items():
            votes = Counter(by.values())
            top = max(votes.values())
            tied = [a for a, v in votes.items() if v == top]
            scale = criteria[key[1]].scale
            out[key] = min(tied, key=lambda a: (-1 if a is None else scale[a]))
        return out


def load_grades(path: Path, rubric: Rubric, known_calls: set[str]) -> GradeSet:
    """Read and validate a grades CSV against the rubric and the calls in the store.

    >>> load_grades(Path("grades.csv"), rubric, set(store.call_ids()))  # doctest: +SKIP
    """
    path = Path(path)
    criteria = {c.id: c for _, c in rubric.criteria()}
    problems: list[str] = []
    grades = GradeSet()
    seen: dict[tuple[str, str, str], int] = {}
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise GradesError(f"{path}: missing column(s) {', '.join(missing)}; the header must be: {','.join(COLUMNS)}")
            for line, row in enumerate(reader, start=2):
                grader, call, crit, answer = (str(row[c] or "").strip() for c in COLUMNS)
                if not all((grader, call, crit, answer)):
                    problems.append(f"line {line}: every column needs a value")
                    continue
                if call not in known_calls:
                    problems.append(f"line {line}: unknown call {call!r} (not in the store)")
                if crit not in criteria:
                    problems.append(f"line {line}: unknown criterion {crit!r} (rubric {rubric.id} v{rubric.version} has {', '.join(criteria)})")
                    continue
                value: str | None = None if answer.lower() in NA_ANSWERS else answer.lower()
                if value is not None and value not in criteria[crit].scale:
                    problems.append(f"line {line}: answer {answer!r} is not on the scale of {crit!r} ({', '.join(criteria[crit].scale)}, or N/A)")
                    continue
                key = (grader, call, crit)
                if key in seen:
                    problems.append(f"line {line}: duplicate grade by {grader} for {call}/{crit} (first on line {seen[key]})")
                    continue
                seen[key] = line
                grades.answers.setdefault((call, crit), {})[grader] = value
    except OSError as e:
        raise GradesError(f"{path}: cannot read the grades file ({e.strerror})") from None
    if problems:
        raise GradesError(f"{path}: {len(problems)} problem(s):\n  " + "\n  ".join(problems[:50]))
    if not grades.answers:
        raise GradesError(f"{path}: no grades; expected rows of {','.join(COLUMNS)}")
    return grades


def by_grader(grades: GradeSet) -> dict[str, dict[tuple[str, str], str | None]]:
    out: dict[str, dict[tuple[str, str], str | None]] = defaultdict(dict)
    for key, by in grades.answers.items():
        for g, a in by.items():
            out[g][key] = a
    return dict(out)
