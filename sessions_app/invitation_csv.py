"""Read a CSV file of invitations: its encoding, header, rows, dates and repeated addresses.

Pure logic on plain values (the `pure-rules` contract of .importlinter): what the file says, row by row,
and what is wrong with its form. Whether an address may be invited, and whether a due date is still
ahead, is sessions_app/invitations.py's to say. docs/invitations.md shows the format to staff.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field

COLUMNS = ("email", "due_date", "message")
MAX_ROWS = 1000
MAX_BYTES = 1024 * 1024
MAX_EMAIL_LENGTH = 255
MAX_MESSAGE_LENGTH = 2000
DELIMITERS = (",", ";", "\t")  # spreadsheets of some locales save CSV with semicolons
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class CsvRow:
    number: int  # as a spreadsheet numbers it: the header is row 1, the first invitation row 2
    email: str
    due_date: dt.date | None
    message: str


@dataclass
class CsvReading:
    rows: list[CsvRow] = field(default_factory=list)
    # (row number, message); row None is about the whole file.
    errors: list[tuple[int | None, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def due_date_parse(text: str) -> dt.date:
    """Return the date written as YYYY-MM-DD; raise ValueError for any other form."""
    text = text.strip()
    if not _DATE.fullmatch(text):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def csv_read(data: bytes, *, max_rows: int = MAX_ROWS) -> CsvReading:
    """Read every row of the file, listing every problem of form with its row number."""
    reading = CsvReading()
    if not data.strip():
        reading.errors.append((None, "The file is empty."))
        return reading
    if len(data) > MAX_BYTES:
        reading.errors.append(
            (None, f"The file is larger than {MAX_BYTES // 1024} KB: split it into several files.")
        )
        return reading
    try:
        text = data.decode("utf-8-sig")  # a spreadsheet's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError:
        reading.errors.append(
            (
                None,
                "The file is not UTF-8 text. Save it from your spreadsheet as “CSV UTF-8” and upload it "
                "again.",
            )
        )
        return reading
    if not text.strip():
        reading.errors.append((None, "The file is empty."))
        return reading
    if "\x00" in text:
        reading.errors.append((None, "This is not a CSV file: save the spreadsheet as “CSV UTF-8”."))
        return reading
    first_line = text.lstrip().splitlines()[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        table = list(records)
    except csv.Error as error:
        reading.errors.append(
            (None, f"This is not a well-formed CSV file (line {records.line_num}: {error}).")
        )
        return reading
    header_index = next((i for i, record in enumerate(table) if any(cell.strip() for cell in record)), None)
    if header_index is None:
        reading.errors.append((None, "The file is empty."))
        return reading
    header = [cell.strip().lower().replace(" ", "_") for cell in table[header_index]]
    problem = _header_problem(header)
    if problem:
        reading.errors.append((header_index + 1, problem))
        return reading
    body = [(i + 1, record) for i, record in enumerate(table) if i > header_index]
    body = [(number, record) for number, record in body if any(cell.strip() for cell in record)]
    if not body:
        reading.errors.append((None, "The file has no invitations: add one row per client under the header."))
        return reading
    if len(body) > max_rows:
        reading.errors.append(
            (None, f"The file has {len(body)} invitations; send at most {max_rows} in one file.")
        )
        return reading
    first_row_of: dict[str, int] = {}
    for number, record in body:
        row, errors = _row_read(number, record, header)
        if row is not None and row.email:
            key = row.email.lower()
            if key in first_row_of:
                errors.append(f"The same address as row {first_row_of[key]}.")
            else:
                first_row_of[key] = number
        reading.errors.extend((number, message) for message in errors)
        if row is not None and not errors:
            reading.rows.append(row)
    return reading


def _header_problem(header: list[str]) -> str:
    named = [name for name in header if name]
    expected = ", ".join(COLUMNS)
    if "email" not in named:
        return (
            f"The first row must name the columns: {expected} (only email is required). "
            f"This file's first row is: {', '.join(named) or 'empty'}."
        )
    unknown = [name for name in named if name not in COLUMNS]
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        return f"Unknown column{plural} {', '.join(unknown)}: the columns are {expected}."
    repeated = sorted({name for name in named if named.count(name) > 1})
    if repeated:
        return f"The column {', '.join(repeated)} appears more than once."
    return ""


def _row_read(number: int, record: list[str], header: list[str]) -> tuple[CsvRow | None, list[str]]:
    errors: list[str] = []
    if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
        errors.append(f"This row has {len(record)} values but the header names {len(header)} columns.")
    values = {name: (record[i].strip() if i < len(record) else "") for i, name in enumerate(header) if name}
    email = values.get("email", "")
    if not email:
        errors.append("Enter an e-mail address.")
    elif len(email) > MAX_EMAIL_LENGTH:
        errors.append(f"The e-mail address is longer than {MAX_EMAIL_LENGTH} characters.")
    due_date = None
    if values.get("due_date"):
        try:
            due_date = due_date_parse(values["due_date"])
        except ValueError:
            errors.append(f"Write the due date as YYYY-MM-DD, e.g. 2030-01-31 (not “{values['due_date']}”).")
    message = values.get("message", "")
    if len(message) > MAX_MESSAGE_LENGTH:
        errors.append(f"The message is longer than {MAX_MESSAGE_LENGTH} characters.")
    return CsvRow(number=number, email=email, due_date=due_date, message=message), errors
