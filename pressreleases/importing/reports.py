"""What an import did, page by page and in total."""

from dataclasses import dataclass, field

CREATED, UPDATED, UNCHANGED, FAILED = "created", "updated", "unchanged", "failed"


@dataclass
class PageResult:
    label: str  # the file as named on the command line, or the title
    outcome: str  # CREATED, UPDATED, UNCHANGED or FAILED
    title: str = ""
    reason: str = ""  # why it failed
    quotes: int = 0
    quotes_created: int = 0
    speakers_created: list[str] = field(default_factory=list)
    organisations_created: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)  # what staff should check, in words


@dataclass
class ImportReport:
    dry_run: bool = False
    pages: list[PageResult] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for page in self.pages if page.outcome == outcome)

    @property
    def failed(self) -> list[PageResult]:
        return [page for page in self.pages if page.outcome == FAILED]

    @property
    def quotes_created(self) -> int:
        return sum(page.quotes_created for page in self.pages)

    @property
    def speakers_created(self) -> int:
        return sum(len(page.speakers_created) for page in self.pages)

    @property
    def organisations_created(self) -> int:
        return sum(len(page.organisations_created) for page in self.pages)

    @property
    def review(self) -> list[str]:
        """Every item needing review, prefixed with its page."""
        return [f"{page.label}: {item}" for page in self.pages for item in page.review]
