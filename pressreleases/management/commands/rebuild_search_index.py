from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils.connection import ConnectionDoesNotExist

from pressreleases.search import rebuild_search_index

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search indexes of releases and quotes from scratch. Saves keep "
        "the indexes current on their own; run this after loading data without signals, or to "
        "repair. Searches use the old index until the rebuild commits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Build every index document but write nothing.",
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default)."
        )

    def handle(self, *args, dry_run: bool, database: str, verbosity: int, **options) -> None:
        try:
            connections[database]
        except ConnectionDoesNotExist:
            raise CommandError(f"Unknown database alias {database!r}.") from None
        self._last_step = -1
        progress = self._progress if verbosity >= 1 else None
        try:
            total = rebuild_search_index(database, dry_run=dry_run, progress=progress)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        except DatabaseError as error:
            raise CommandError(
                f"Rebuilding the search index failed ({error}). Has 'manage.py migrate' run?"
            ) from error
        if verbosity >= 1:
            if self._last_step >= 0 and self.stdout.isatty():
                self.stdout.write("")
            verb = "Would index" if dry_run else "Indexed"
            noun = "release" if total == 1 else "releases"
            self.stdout.write(self.style.SUCCESS(f"{verb} {total:,} {noun} and their quotes."))

    def _progress(self, done: int, total: int) -> None:
        share = done / total if total else 1
        if self.stdout.isatty():
            filled = round(share * BAR_WIDTH)
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            self.stdout.write(f"\r[{bar}] {share:4.0%} {done:,}/{total:,}", ending="")
            self.stdout.flush()
            self._last_step = done
            return
        step = int(share * 10)  # one line per tenth when the output is a file or pipe
        if step > self._last_step:
            self._last_step = step
            self.stdout.write(f"{share:4.0%} {done:,}/{total:,} releases")
