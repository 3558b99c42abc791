"""The shape shared by the commands that apply a TOML data file (`load_taxonomy`,
`load_organisations`): an optional path, `--dry-run`, one line per section, the records
themselves at verbosity 2, and a refused file named with every problem and exit code 1."""

from abc import ABC, abstractmethod
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taxonomy.loading import DataFileError, SectionReport


class DataFileCommand(BaseCommand, ABC):
    default_path: Path
    shipped_in: str  # where the default file lives, for --help
    subject: str  # "Taxonomy", "Organisations": the closing line's subject

    @abstractmethod
    def load(self, path: Path, dry_run: bool) -> list[SectionReport]:
        """Apply the file (or check it, with `dry_run`); raise DataFileError to refuse it."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            default=self.default_path,
            help=f"TOML data file (default: the one shipped in {self.shipped_in}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change and write nothing."
        )

    def handle(self, *args, path: Path, dry_run: bool, verbosity: int, **options) -> None:
        try:
            sections = self.load(path, dry_run)
        except DataFileError as error:
            raise CommandError(
                f"{path.name} was refused; nothing was written:\n  " + "\n  ".join(error.problems)
            ) from None
        for section in sections:
            self.stdout.write(
                f"{section.label}: {len(section.created)} created, {len(section.updated)} "
                f"updated, {len(section.unchanged)} unchanged"
                + (
                    f", {len(section.not_in_file)} not in the file (kept)"
                    if section.not_in_file
                    else ""
                )
            )
            if verbosity >= 2:
                for verb, names in (
                    ("created", section.created),
                    ("updated", section.updated),
                    ("kept, not in the file", section.not_in_file),
                ):
                    for name in names:
                        self.stdout.write(f"  {verb}: {name}")
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
        elif any(section.changed for section in sections):
            self.stdout.write(self.style.SUCCESS(f"{self.subject} loaded."))
        else:
            self.stdout.write(self.style.SUCCESS(f"{self.subject} already up to date."))
