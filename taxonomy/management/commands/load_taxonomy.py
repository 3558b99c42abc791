from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from taxonomy.loading import DEFAULT_DATA_FILE, TaxonomyDataError, load_file


class Command(BaseCommand):
    help = (
        "Apply the OSCE taxonomy data file: create and update fields of work, countries, "
        "chairpersonships, structures and meeting series. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            default=DEFAULT_DATA_FILE,
            help="TOML data file (default: the one shipped in taxonomy/data/).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change and write nothing."
        )

    def handle(self, *args, path: Path, dry_run: bool, verbosity: int, **options) -> None:
        try:
            report = load_file(path, dry_run=dry_run)
        except TaxonomyDataError as error:
            raise CommandError(
                f"{path.name} was refused; nothing was written:\n  " + "\n  ".join(error.problems)
            ) from None
        for section in report.sections:
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
        elif report.changed:
            self.stdout.write(self.style.SUCCESS("Taxonomy loaded."))
        else:
            self.stdout.write(self.style.SUCCESS("Taxonomy already up to date."))
