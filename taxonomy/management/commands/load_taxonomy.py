from pathlib import Path

from taxonomy.loading import DEFAULT_DATA_FILE, SectionReport, load_file
from taxonomy.management.data_file import DataFileCommand


class Command(DataFileCommand):
    help = (
        "Apply the OSCE taxonomy data file: create and update fields of work, countries, "
        "chairpersonships, structures and meeting series. Safe to run again."
    )
    default_path = DEFAULT_DATA_FILE
    shipped_in = "taxonomy/data/"
    subject = "Taxonomy"

    def load(self, path: Path, dry_run: bool) -> list[SectionReport]:
        return load_file(path, dry_run=dry_run).sections
