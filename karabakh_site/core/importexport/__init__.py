"""Import and export of sources and of every content kind that declares its columns, as CSV or
JSON.

One shape per kind, the same in both formats: JSON holds lists as lists; CSV holds slug lists
joined with ";" and citations (and articles' corrections) as a JSON array in one cell, so CSV
round-trips without loss too. CSV rows end in CRLF; a CSV cell that a spreadsheet would run as a
formula goes out with a leading apostrophe, which the import takes off again.

An import reads and checks every row before it writes anything; any bad row, and the whole file is
refused with each row's errors. Rows match existing records on slug (sources on their URL key),
and items are written through services.save_with_citations, which leaves unchanged records
untouched, so importing the same file again changes nothing. A dry run does the whole import and
rolls it back, so its preview (new / changed / unchanged per row) is exactly what would happen.

Where the parts are: ``values`` (cell values), ``columns`` (Kind, and ItemKind for the publishable
kinds), ``sources`` (core's own kind), ``registry`` (KINDS: sources plus each content app's
``importexport`` declaration, e.g. timeline/importexport.py), ``files`` (CSV, JSON, import_text),
``report``. Core imports no content app: their columns live with them.

Written here rather than with django-import-export: that library imports rows one model at a time
and knows nothing of citations nested in a row, the source rule, or matching sources on url_key.
"""

from .columns import ItemKind, Kind
from .files import FORMATS, export_rows, export_text, import_text, read_rows
from .registry import KINDS, item_kinds
from .report import Report, RowError, RowResult

__all__ = [
    "FORMATS",
    "KINDS",
    "ItemKind",
    "Kind",
    "Report",
    "RowError",
    "RowResult",
    "export_rows",
    "export_text",
    "import_text",
    "item_kinds",
    "read_rows",
]
