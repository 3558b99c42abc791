from pathlib import Path

from pressreleases.importing.organisations import DEFAULT_DATA_FILE, load_file
from taxonomy.loading import SectionReport
from taxonomy.management.data_file import DataFileCommand


class Command(DataFileCommand):
    help = (
        "Apply the reference list of organisations (UN agencies, EU bodies, IOM, ...) that "
        "imported quotes are linked to. Safe to run again."
    )
    default_path = DEFAULT_DATA_FILE
    shipped_in = "pressreleases/data/"
    subject = "Organisations"

    def load(self, path: Path, dry_run: bool) -> list[SectionReport]:
        return [load_file(path, dry_run=dry_run)]
