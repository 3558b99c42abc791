from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import URLValidator

from pressreleases.importing.importer import NoSuchPages, collect_files, import_files
from pressreleases.importing.parsing import URL_MAX_LENGTH
from pressreleases.importing.reports import CREATED, UNCHANGED, UPDATED, ImportReport

PROGRESS_FROM = 20  # pages; shorter runs print no progress
BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import scraped press-release pages (plain text in the seed's form, or saved HTML) as "
        "releases with their quotes, speakers and appointments. Safe to run again: a page "
        "already imported is updated, never duplicated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths",
            nargs="+",
            metavar="PATH",
            help="Page files, folders (searched recursively) or glob patterns.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be created or changed and write nothing.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the releases, dated by the release; they are drafts otherwise.",
        )
        parser.add_argument(
            "--source-url",
            default="",
            metavar="URL",
            help="Address the page was saved from (one page only); identifies it on re-import.",
        )

    def handle(self, *args, paths, dry_run, publish, source_url, verbosity, **options) -> None:
        try:
            files = collect_files(paths)
        except NoSuchPages as error:
            raise CommandError(f"No such file, folder or match: {error}") from None
        if source_url:
            self._check_source_url(source_url, files)
        self._verbosity = verbosity
        report = import_files(
            files,
            dry_run=dry_run,
            publish=publish,
            source_url=source_url,
            progress=self._progress if verbosity and len(files) >= PROGRESS_FROM else None,
        )
        self._summarise(report)
        if report.failed:
            raise CommandError(f"{len(report.failed)} of {len(report.pages)} pages failed.")

    def _check_source_url(self, url: str, files: list) -> None:
        if len(files) != 1:
            raise CommandError(f"--source-url names one page; {len(files)} were given.")
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise CommandError(f"--source-url: {url!r} is not a web address.") from None
        if len(url) > URL_MAX_LENGTH:
            raise CommandError(f"--source-url: longer than {URL_MAX_LENGTH} characters.")

    def _progress(self, done: int, total: int) -> None:
        if self.stdout.isatty():
            filled = BAR_WIDTH * done // total
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.stdout.write(
                f"\r[{bar}] {done}/{total} pages", ending="\n" if done == total else ""
            )
            self.stdout.flush()
        elif done % 100 == 0 or done == total:
            self.stdout.write(f"{done}/{total} pages")

    def _summarise(self, report: ImportReport) -> None:
        if self._verbosity >= 2:
            for page in report.pages:
                detail = page.reason or f"{page.title} ({page.quotes} quotes)"
                self.stdout.write(f"  {page.outcome}: {page.label}: {detail}")
        if not self._verbosity:
            return
        verb = "would be " if report.dry_run else ""
        self.stdout.write(
            f"Pages read: {len(report.pages)}; {verb}created: {report.count(CREATED)}, "
            f"{verb}updated: {report.count(UPDATED)}, unchanged: {report.count(UNCHANGED)}, "
            f"failed: {len(report.failed)}."
        )
        self.stdout.write(
            f"Quotes {verb}created: {report.quotes_created}; speakers {verb}created: "
            f"{report.speakers_created}; organisations {verb}created: "
            f"{report.organisations_created}."
        )
        if report.review:
            self.stdout.write(self.style.WARNING(f"Needing review ({len(report.review)}):"))
            for item in report.review:
                self.stdout.write(f"  {item}")
        if report.failed:
            self.stdout.write(self.style.ERROR(f"Failed ({len(report.failed)}):"))
            for page in report.failed:
                self.stdout.write(f"  {page.label}: {page.reason}")
        if report.dry_run:
            self.stdout.write(self.style.WARNING("Dry run: nothing was written."))
