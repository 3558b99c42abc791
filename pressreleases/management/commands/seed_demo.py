import argparse

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pressreleases.demo import DemoError, seed_demo

MAX_SEED = 2**63 - 1


def _whole_number(minimum: int, maximum: int | None = None):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number.") from None
        if value < minimum or (maximum is not None and value > maximum):
            upper = f" and at most {maximum}" if maximum is not None else ""
            raise argparse.ArgumentTypeError(f"must be at least {minimum}{upper}, not {value}.")
        return value

    return parse


class Command(BaseCommand):
    help = (
        "Add realistic demo releases with speakers, quotes, organisations and tags. The same "
        "--count and --seed always give the same content; a seed is used once per database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--count",
            type=_whole_number(1),
            default=300,
            help="How many releases to generate (default 300).",
        )
        parser.add_argument(
            "--seed",
            type=_whole_number(0, MAX_SEED),
            default=1,
            help="Seed of the random generator (default 1); another seed adds another batch.",
        )

    def handle(self, *args, count: int, seed: int, verbosity: int, **options) -> None:
        interactive = verbosity >= 1 and self.stdout.isatty()

        def progress(done: int, total: int) -> None:
            if verbosity < 1:
                return
            percent = done * 100 // total
            if interactive:
                bar = "#" * (percent // 4)
                self.stdout.write(f"\r[{bar:<25}] {percent:3}%  {done:,}/{total:,}", ending="")
            else:
                self.stdout.write(f"Releases: {done:,}/{total:,} ({percent}%)")

        try:
            report = seed_demo(count, seed, progress=progress)
        except DemoError as error:
            raise CommandError(f"{error} Nothing was written.") from None
        if interactive:
            self.stdout.write("")
        if verbosity >= 1:
            if report.loaded_taxonomy:
                self.stdout.write("The OSCE taxonomy was not loaded yet; loaded it first.")
            self.stdout.write(
                self.style.SUCCESS(
                    f"Added {report.releases:,} releases with {report.quotes:,} quotes, "
                    f"{report.people:,} people holding {report.appointments:,} appointments and "
                    f"{report.organisations:,} organisations (seed {seed})."
                )
            )
