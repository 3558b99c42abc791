from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pressreleases.portability import DumpError, import_content


class Command(BaseCommand):
    help = (
        "Load a document written by export_content into this database: checked completely "
        "first, then written in one transaction; records are matched by slug (and other natural "
        "keys), so importing the same document again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="The JSON document to load.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change and write nothing."
        )

    def handle(self, *args, path: Path, dry_run: bool, verbosity: int, **options) -> None:
        shown = -1

        def progress(done: int, total: int) -> None:
            nonlocal shown
            # A line per tenth is enough for 100,000 releases written in chunks of 500.
            if verbosity >= 1 and done * 10 // total > shown:
                shown = done * 10 // total
                self.stdout.write(f"Releases written: {done:,}/{total:,} ({done * 100 // total}%)")

        try:
            report = import_content(path, dry_run=dry_run, progress=progress)
        except DumpError as error:
            raise CommandError(
                f"{path.name} was refused; nothing was written:\n  " + "\n  ".join(error.problems)
            ) from None
        if verbosity >= 1:
            for label, counts in report.sections.items():
                line = (
                    f"{label.replace('_', ' ').capitalize()}: {counts.created:,} created, "
                    f"{counts.updated:,} updated, {counts.unchanged:,} unchanged"
                )
                self.stdout.write(
                    line + (f", {counts.removed:,} removed" if counts.removed else "")
                )
        if verbosity < 1:
            return
        if dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
        elif report.changed:
            self.stdout.write(self.style.SUCCESS(f"Imported {path.name}."))
        else:
            self.stdout.write(self.style.SUCCESS("No changes: the database already holds it all."))
