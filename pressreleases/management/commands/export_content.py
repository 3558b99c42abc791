from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pressreleases.portability import ExportError, export_content


class Command(BaseCommand):
    help = (
        "Write every release with its quotes, people, appointments, organisations, tags and the "
        "taxonomy as one JSON document (see docs/export-format.md), to standard output or a file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--public-only",
            action="store_true",
            help="Only what the public sees, and the people and organisations it names.",
        )
        parser.add_argument(
            "--output",
            "-o",
            type=Path,
            help="Write to this file instead of standard output (replaced only when complete).",
        )

    def handle(self, *args, public_only: bool, output: Path | None, verbosity: int, **options):
        # With the document on standard output, messages go to standard error.
        messages = self.stdout if output else self.stderr

        def say(text: str) -> None:
            if verbosity >= 1:
                messages.write(text, style_func=lambda plain: plain)

        def progress(done: int, total: int) -> None:
            say(f"Releases: {done:,}/{total:,} ({done * 100 // total}%)")

        try:
            if output is None:
                summary = export_content(
                    _Unwrapped(self.stdout), public_only=public_only, progress=progress
                )
            else:
                summary = self.export_to_file(output, public_only, progress)
        except ExportError as error:
            raise CommandError(f"Nothing was exported: {error}") from None
        counts = ", ".join(f"{count:,} {name}" for name, count in summary.counts.items())
        say(f"Exported {counts}" + (f" to {output}." if output else "."))

    def export_to_file(self, output: Path, public_only: bool, progress):
        partial = output.with_name(output.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8") as stream:
                summary = export_content(stream, public_only=public_only, progress=progress)
            partial.replace(output)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Cannot write {output}: {error.strerror or error}.") from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return summary


class _Unwrapped:
    """Django's OutputWrapper ends every write with a newline; the document needs raw writes."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")
