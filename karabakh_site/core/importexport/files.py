"""CSV and JSON files: writing a kind's rows out, reading rows in, and importing them all or none.

CSV rows end in CRLF, and a cell that a spreadsheet would run as a formula goes out with a leading
apostrophe, which reading takes off again; JSON is written as it is.
"""

import csv
import io
import json
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from .. import notify
from .columns import Kind
from .registry import KINDS
from .report import Report, RowError, RowResult
from .values import messages_of

FORMATS = ("csv", "json")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# Spreadsheet programs run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_GUARDED_STARTS = (*_FORMULA_STARTS, "'")


def _csv_guard(cell: str) -> str:
    # A leading apostrophe makes a spreadsheet take the cell as text. A cell the import would
    # take an apostrophe off ("'=1") gets one more, so the import reads back what was exported.
    if cell.startswith(_FORMULA_STARTS) or _csv_unguard(cell) != cell:
        return "'" + cell
    return cell


def _csv_unguard(cell):
    if isinstance(cell, str) and cell.startswith("'") and cell[1:].startswith(_GUARDED_STARTS):
        return cell[1:]
    return cell


def export_rows(kind_name: str) -> list[dict]:
    kind = KINDS[kind_name]
    return [kind.to_row(obj) for obj in kind.queryset()]


def export_text(kind_name: str, file_format: str) -> str:
    kind = KINDS[kind_name]
    rows = [kind.to_row(obj) for obj in kind.queryset()]
    if file_format == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    # The csv module quotes a cell only for the line terminator's own characters: with "\n" alone,
    # a carriage return in a cell went out unquoted and the file could not be read back.
    writer = csv.DictWriter(out, fieldnames=kind.columns, lineterminator="\r\n")
    writer.writeheader()
    json_columns, list_columns = kind.json_columns, kind.list_columns
    for row in rows:
        cells = {}
        for column in kind.columns:
            value = row[column]
            if column in json_columns:
                cells[column] = json.dumps(value, ensure_ascii=False) if value else ""
            elif column in list_columns:
                cells[column] = ";".join(value)
            else:
                cells[column] = _cell(value)
        writer.writerow({column: _csv_guard(cell) for column, cell in cells.items()})
    return out.getvalue()


def read_rows(kind: Kind, text: str, file_format: str) -> list[dict]:
    """Parse a file into rows; raises ValueError with a readable message for a bad file."""
    if file_format == "json":
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as error:
            raise ValueError(f"not valid JSON: {error}") from None
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise ValueError("a JSON import is a list of objects, one per record")
        header_seen = set().union(*(row.keys() for row in rows)) if rows else set()
    elif file_format == "csv":
        reader = csv.DictReader(io.StringIO(text))
        try:
            header = reader.fieldnames or []
            if not header:
                raise ValueError("the CSV file is empty")
            rows = list(reader)
        except csv.Error as error:
            raise ValueError(f"not a readable CSV file ({error})") from None
        if any(None in row for row in rows):
            raise ValueError("a CSV row has more cells than the header")
        rows = [{column: _csv_unguard(cell) for column, cell in row.items()} for row in rows]
        header_seen = set(header)
    else:
        raise ValueError(f"unknown format {file_format!r}; use csv or json")
    unknown = sorted(header_seen - set(kind.columns))
    if unknown:
        raise ValueError(
            f"unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
            f"{kind.name} files have {', '.join(kind.columns)}"
        )
    missing = sorted(kind.required - header_seen) if rows else []
    if missing:
        raise ValueError(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    return rows


def import_text(
    kind_name: str,
    text: str,
    file_format: str,
    *,
    dry_run: bool = False,
    by=None,
    may_publish: bool = True,
    progress: Callable[[Iterable], Iterable] = lambda rows: rows,
) -> Report:
    """Check every row, then write them all or none (see the package's docstring)."""
    kind = KINDS[kind_name]
    report = Report(kind=kind_name, dry_run=dry_run)
    try:
        rows = read_rows(kind, text, file_format)
    except ValueError as error:
        report.file_errors.append(str(error))
        return report
    # One report to whoever imports, not an email per row to every author (core.notify).
    with transaction.atomic(), notify.quiet():
        prepared = []
        seen = {}
        for number, row in enumerate(progress(rows), start=1):
            result = RowResult(number=number, key="")
            report.rows.append(result)
            try:
                result.key = kind.key(row)
            except ValueError as error:
                result.errors.append(f"{kind.key_column}: {error}")
                prepared.append(None)
                continue
            if not result.key:
                result.errors.append(f"no {kind.key_column}")
            elif result.key in seen:
                result.errors.append(f"same record as row {seen[result.key]}")
            else:
                seen[result.key] = number
            try:
                prepared.append(kind.prepare(row, may_publish=may_publish))
            except RowError as error:
                result.errors.extend(error.messages)
                prepared.append(None)
            except ValueError as error:
                # A value the checks above did not name; still this row's fault, not a crash.
                result.errors.append(str(error))
                prepared.append(None)
        if not report.ok:
            transaction.set_rollback(True)
            return report
        for result, record in zip(report.rows, prepared, strict=True):
            is_new = record[0].pk is None
            try:
                changed = kind.write(record, by=by)
            except ValidationError as error:
                # Checked above, so this is a race or a rule the checks missed: refuse it all.
                result.errors.extend(messages_of(error))
                transaction.set_rollback(True)
                return report
            result.action = "new" if is_new else ("changed" if changed else "unchanged")
        if dry_run:
            transaction.set_rollback(True)
    return report
