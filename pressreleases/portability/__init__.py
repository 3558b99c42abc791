"""Move content in and out as one documented, versioned JSON document (docs/export-format.md):
`export_content()` writes it, `import_content()` reads it back."""

from .exporting import ExportError, ExportSummary, export_content
from .importing import ImportReport, import_content
from .records import FORMAT, VERSION
from .validating import DumpError

__all__ = [
    "FORMAT",
    "VERSION",
    "DumpError",
    "ExportError",
    "ExportSummary",
    "ImportReport",
    "export_content",
    "import_content",
]
