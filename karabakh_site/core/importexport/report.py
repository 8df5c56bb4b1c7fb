"""What an import found: each row's key and action, or everything wrong with it."""

from dataclasses import dataclass, field


class RowError(Exception):
    """Everything wrong with one row, as readable messages."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass
class RowResult:
    number: int
    key: str
    action: str = ""  # "new", "changed" or "unchanged" once written (or dry-run)
    errors: list[str] = field(default_factory=list)


@dataclass
class Report:
    kind: str
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not any(row.errors for row in self.rows)

    @property
    def error_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.errors]

    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        for row in self.rows:
            if row.action:
                counts[row.action] += 1
        return counts

    def summary(self) -> str:
        counts = self.counts()
        return (
            f"{len(self.rows)} {self.kind} rows: {counts['new']} new, {counts['changed']} changed, "
            f"{counts['unchanged']} unchanged"
        )

    def error_text(self) -> str:
        lines = list(self.file_errors)
        lines += [f"row {row.number} ({row.key or 'no key'}): {'; '.join(row.errors)}"
                  for row in self.error_rows]  # fmt: skip
        return "\n".join(lines)
