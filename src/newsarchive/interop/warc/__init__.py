"""WARC export and import: the archive in the web-archiving world's own file format.

Export writes one gzip member per record (ISO 28500, WARC/1.1):

* a ``warcinfo`` record naming the software;
* per capture, a ``response`` record when raw HTML was kept (with the HTTP status and
  headers as fetched; a plain ``200 OK`` when the page was saved by hand), a
  ``resource`` record holding the text otherwise, or a ``revisit`` record
  (identical-payload-digest profile) when the same payload was already written;
* a ``conversion`` record with the extracted text, once per distinct text, and a
  ``metadata`` record (JSON) with everything else newsarchive knows about the capture,
  both linked to the capture's record with ``WARC-Refers-To``.

Import reads WARC and ARC files from any tool (wget, Heritrix, Browsertrix, pywb, ours).
Records come lazily from warcio; a broken or truncated record is reported with its
file and offset and skipped, and reading resumes at the next record when the stream
can seek. Records written by :func:`export_warc` are restored exactly, so export then
import gives the same versions and captures.

warcio is the optional extra ``newsarchive[warc]``, imported on first use.
"""

from __future__ import annotations

from .export import ExportReport, export_warc
from .fields import extract_fields
from .importer import ImportedCapture, WarcImportReport, import_warc
from .read import WarcRecord, as_problem, iter_records

# The git importer reads page fields the same way; it names them by this older alias.
_extract = extract_fields

__all__ = [
    "ExportReport",
    "WarcImportReport",
    "ImportedCapture",
    "export_warc",
    "import_warc",
    "iter_records",
    "WarcRecord",
    "as_problem",
    "extract_fields",
]
