"""CSV and JSON Lines writers: they consume any iterable of export records, in constant memory.

A cell is the same in both: text as it is (``""`` when unknown), numbers as numbers; a list
is a JSON array in JSON Lines and the same array as JSON text in a CSV cell.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import IO, Any

__all__ = [
    "EXCEL_DELIMITER", "cell", "csv_cell", "excel_cell", "write_csv", "write_csv_rows",
    "write_jsonl",
]

#: ``json.dumps(value, ensure_ascii=False)`` without making an encoder per call (a third of
#: the time of a cell holding a list).
_to_json = json.JSONEncoder(ensure_ascii=False).encode

#: What Excel in a Turkish (or German, French...) locale splits a CSV on: its list separator.
EXCEL_DELIMITER = ";"


def cell(value: Any) -> Any:
    """A value as a CSV or spreadsheet cell: lists as JSON text, None as empty.

    >>> cell(["kadın", "İzmir"]), cell(None), cell(3)
    ('["kadın", "İzmir"]', '', 3)
    """
    if isinstance(value, list | dict):
        return _to_json(value) if value else ("[]" if isinstance(value, list) else "{}")
    return "" if value is None else value


def write_csv(
    records: Iterable[dict[str, Any]],
    fh: IO[str],
    columns: Sequence[str],
    *,
    delimiter: str = ",",
    excel: bool = False,
) -> int:
    """Write records as CSV with a header row; returns the number of rows (header excluded).

    :param fh: a text file opened with ``newline=""`` and UTF-8 encoding
    :param columns: the columns, in order
    :param delimiter: one character between cells
    :param excel: what Excel opens directly in a Turkish locale: a byte-order mark (else it
        shows ``Ä°zmir`` for ``İzmir``), ``;`` between cells, CRLF line ends, and cells as
        :func:`excel_cell` writes them (decimal comma, no formula)
    """
    # text, the most common cell, as it is; anything else through ``cell``
    rows = ([v if type(v) is str else cell(v) for v in map(record.get, columns)]
            for record in records)
    return write_csv_rows(rows, fh, columns, delimiter=delimiter, excel=excel)


def _csv_writer(fh: IO[str], columns: Sequence[str], *, delimiter: str, excel: bool) -> Any:
    """A ``csv.writer`` on ``fh`` that has written the BOM (for Excel) and the header."""
    if excel:
        fh.write("\ufeff")
        delimiter = EXCEL_DELIMITER
    writer = csv.writer(fh, delimiter=delimiter, lineterminator="\r\n" if excel else "\n")
    writer.writerow(columns)
    return writer


#: First characters that make Excel read a CSV cell as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_cell(value: Any) -> Any:
    """A cell as Excel in a Turkish locale reads it right: a decimal comma, and text that
    would start a formula (``-20 derecede``, ``=``, ``+``, ``@``) behind an apostrophe, so
    Excel shows it instead of ``#NAME?`` (OWASP's advice against formula injection).

    >>> [excel_cell(v) for v in (1.25, 3, "-20 derecede buz", "@hibya", "İzmir", "")]
    ['1,25', 3, "'-20 derecede buz", "'@hibya", 'İzmir', '']
    """
    if type(value) is float:
        return repr(value).replace(".", ",")
    if type(value) is str and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


@cache
def _csv_quotes_cr() -> bool:
    """Whether ``csv`` quotes a carriage return with ``\\n`` line ends (Python 3.13 does,
    3.11 does not)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(["a\rb", "c"])
    return out.getvalue().startswith('"')


def csv_cell(delimiter: str, crlf: bool) -> Callable[[Any], str]:
    """A function writing one value as ``csv.writer`` does with ``delimiter`` and
    ``QUOTE_MINIMAL``, with str methods instead of ``csv``'s loop over each character (most
    of an export's time): None empty, other values ``str``; quoted when holding the
    delimiter, a quote, a character of the line end, or ``\\r`` where ``csv`` quotes it;
    quotes doubled.

    >>> cell_of = csv_cell(",", crlf=False)
    >>> [cell_of(v) for v in ('a "b" c', "c,d", "c;d", None, 3)]
    ['"a ""b"" c"', '"c,d"', 'c;d', '', '3']
    """
    quote_cr = crlf or _csv_quotes_cr()

    def quoted(value: Any) -> str:
        if type(value) is not str:
            value = "" if value is None else str(value)
        if '"' in value:
            return '"' + value.replace('"', '""') + '"'
        if delimiter in value or "\n" in value or (quote_cr and "\r" in value):
            return '"' + value + '"'
        return value

    return quoted


def write_csv_rows(
    rows: Iterable[Sequence[Any]],
    fh: IO[str],
    columns: Sequence[str],
    *,
    delimiter: str = ",",
    excel: bool = False,
) -> int:
    """``write_csv`` for rows that are already cells (``archive.export.cells``), in the
    order of ``columns``: the same bytes, written as they come; returns their number."""
    writer = _csv_writer(fh, columns, delimiter=delimiter, excel=excel)
    if excel:
        delimiter = EXCEL_DELIMITER
        rows = (list(map(excel_cell, row)) for row in rows)
    end = "\r\n" if excel else "\n"
    quoted = csv_cell(delimiter, crlf=excel)
    count = 0
    if len(columns) == 1:  # csv quotes a lone empty cell, else the line would be empty
        for row in rows:
            writer.writerow(row)
            count += 1
        return count
    join, write = delimiter.join, fh.write
    for row in rows:
        write(join(map(quoted, row)) + end)
        count += 1
    return count


def write_jsonl(records: Iterable[dict[str, Any]], fh: IO[str], columns: Sequence[str]) -> int:
    """Write records as JSON Lines (one object a line, UTF-8 text, not ``\\u`` escapes);
    returns the number of lines. Lists stay JSON arrays."""
    count = 0
    for record in records:
        line = json.dumps({name: record.get(name) for name in columns}, ensure_ascii=False)
        fh.write(line + "\n")
        count += 1
    return count
