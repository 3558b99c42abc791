import functools
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils.connection import ConnectionDoesNotExist

from pressreleases.facet_index import rebuild_facet_keys
from pressreleases.search import rebuild_search_index

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Rebuild the full-text search indexes of releases and quotes, and the facet keys the "
        "listing counts by, from scratch. Saves keep them current on their own; run this after "
        "loading data without signals, or to repair. Pages use the old indexes until the "
        "rebuild commits."
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
        try:
            total = rebuild_search_index(
                database, dry_run=dry_run, progress=self._progress_of("searchable", verbosity)
            )
            self._end_progress(verbosity)
            keys = rebuild_facet_keys(
                database, dry_run=dry_run, progress=self._progress_of("faceted", verbosity)
            )
            self._end_progress(verbosity)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        except DatabaseError as error:
            raise CommandError(
                f"Rebuilding the search index failed ({error}). Has 'manage.py migrate' run?"
            ) from error
        if verbosity >= 1:
            verb = "Would index" if dry_run else "Indexed"
            noun = "release" if total == 1 else "releases"
            self.stdout.write(self.style.SUCCESS(f"{verb} {total:,} {noun} and their quotes."))
            verb = "Would write" if dry_run else "Wrote"
            noun = "facet key" if keys == 1 else "facet keys"
            self.stdout.write(self.style.SUCCESS(f"{verb} {keys:,} {noun}."))

    def _end_progress(self, verbosity: int) -> None:
        """Ends the progress bar's line on a terminal."""
        if verbosity >= 1 and self._last_step >= 0 and self.stdout.isatty():
            self.stdout.write("")

    def _progress_of(self, noun: str, verbosity: int) -> Callable[[int, int], None] | None:
        """A progress callback for one of the rebuilds, e.g. "40% 2/5 searchable releases"."""
        self._last_step = -1
        return functools.partial(self._progress, noun) if verbosity >= 1 else None

    def _progress(self, noun: str, done: int, total: int) -> None:
        share = done / total if total else 1
        if self.stdout.isatty():
            filled = round(share * BAR_WIDTH)
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            self.stdout.write(f"\r[{bar}] {share:4.0%} {done:,}/{total:,} {noun}", ending="")
            self.stdout.flush()
            self._last_step = done
            return
        step = int(share * 10)  # one line per tenth when the output is a file or pipe
        if step > self._last_step:
            self._last_step = step
            self.stdout.write(f"{share:4.0%} {done:,}/{total:,} {noun} releases")
