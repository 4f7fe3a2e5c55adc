"""What an import did, item by item, and the counts its summary table shows."""

from collections import Counter
from dataclasses import dataclass, field

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
SKIPPED, FAILED, EDITED_HERE = "skipped", "failed", "edited here"
RESULTS = (CREATED, UPDATED, UNCHANGED, EDITED_HERE, SKIPPED, FAILED)


@dataclass(frozen=True)
class Outcome:
    """One item's fate: its kind, what happened, which item (title and ID), and why."""

    kind: str
    result: str
    name: str
    reason: str = ""


@dataclass(frozen=True)
class Progress:
    done: int
    total: int


@dataclass(frozen=True)
class Note:
    """Something to check after, not tied to one item's result (a missing image, a flattened
    category tree)."""

    text: str


@dataclass
class Summary:
    counts: Counter = field(default_factory=Counter)  # (kind, result) → n
    reasons: Counter = field(default_factory=Counter)  # (kind, result, reason) → n
    problems: list[Outcome] = field(default_factory=list)  # failed and edited-here items
    notes: list[str] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.counts[outcome.kind, outcome.result] += 1
        if outcome.reason and outcome.result in (SKIPPED, FAILED, EDITED_HERE):
            self.reasons[outcome.kind, outcome.result, outcome.reason] += 1
        if outcome.result in (FAILED, EDITED_HERE):
            self.problems.append(outcome)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    @property
    def kinds(self) -> list[str]:
        return list(dict.fromkeys(kind for kind, _ in self.counts))

    @property
    def failed(self) -> bool:
        return any(result == FAILED for _, result in self.counts)

    def rows(self) -> list[tuple[str, ...]]:
        """(kind, created, updated, unchanged, edited here, skipped, failed) per kind."""
        return [
            (kind, *(str(self.counts[kind, result]) for result in RESULTS)) for kind in self.kinds
        ]
