from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pressreleases.importing.organisations import (
    DEFAULT_DATA_FILE,
    OrganisationDataError,
    load_file,
)


class Command(BaseCommand):
    help = (
        "Apply the reference list of organisations (UN agencies, EU bodies, IOM, ...) that "
        "imported quotes are linked to. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            default=DEFAULT_DATA_FILE,
            help="TOML data file (default: the one shipped in pressreleases/data/).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change and write nothing."
        )

    def handle(self, *args, path: Path, dry_run: bool, verbosity: int, **options) -> None:
        try:
            report = load_file(path, dry_run=dry_run)
        except OrganisationDataError as error:
            raise CommandError(
                f"{path.name} was refused; nothing was written:\n  " + "\n  ".join(error.problems)
            ) from None
        self.stdout.write(
            f"{report.label}: {len(report.created)} created, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged"
            + (f", {len(report.not_in_file)} not in the file (kept)" if report.not_in_file else "")
        )
        if verbosity >= 2:
            for verb, names in (
                ("created", report.created),
                ("updated", report.updated),
                ("kept, not in the file", report.not_in_file),
            ):
                for name in names:
                    self.stdout.write(f"  {verb}: {name}")
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
        elif report.changed:
            self.stdout.write(self.style.SUCCESS("Organisations loaded."))
        else:
            self.stdout.write(self.style.SUCCESS("Organisations already up to date."))
