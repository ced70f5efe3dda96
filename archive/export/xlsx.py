"""The xlsx writer: XlsxWriter in constant-memory mode, within Excel's limits.

Rows are written as they come and flushed one by one (memory stays flat however many rows);
every text cell is written as text (a title starting with ``=`` is no formula, a URL no
hyperlink). Excel's limits are met, never exceeded into a file it calls damaged:

- past ``MAX_ROWS`` rows (the header included) the rows go on in a new sheet
  (``articles 2``, ``articles 3``...), each with the header;
- a text longer than ``MAX_CELL_CHARS`` (UTF-16 code units, as Excel counts) is cut there,
  and the row's ``truncated`` column names the columns cut (the CSV and JSON Lines exports
  hold the whole text).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any

from archive.export.writers import cell

__all__ = ["MAX_CELL_CHARS", "MAX_ROWS", "NOTE_COLUMN", "XlsxResult", "fit", "write_xlsx"]

#: Rows in one Excel sheet, the header included.
MAX_ROWS = 1_048_576
#: Characters in one Excel cell, counted in UTF-16 code units.
MAX_CELL_CHARS = 32_767
#: The last column of every xlsx export: the names of the columns cut in that row.
NOTE_COLUMN = "truncated"


@dataclass
class XlsxResult:
    """What ``write_xlsx`` wrote."""

    rows: int = 0
    sheets: int = 0
    truncated_cells: int = 0


def fit(text: str, limit: int = MAX_CELL_CHARS) -> str:
    """``text`` cut to at most ``limit`` UTF-16 code units, never inside a surrogate pair.

    >>> fit("İzmir", 3), fit("a😀b", 2), fit("a😀b", 3)
    ('İzm', 'a', 'a😀')
    """
    if len(text) * 2 <= limit:  # fast path: even all-astral text fits
        return text
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text


class _Guarded:
    """The output as XlsxWriter's zip writer sees it. The first error writing it is kept
    (``error``) and raised; after it, or once ``retire`` is called, every call does
    nothing and the position stays where it was. XlsxWriter wraps such an error in its own
    exception and leaves its zip file open, whose finalizer wrote to the broken (or
    closed) output again and printed "Exception ignored" on the way out."""

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh
        self._pos = 0
        self._retired = False
        self.error: OSError | None = None

    def retire(self) -> None:
        """From now on, do nothing (the export failed, or is over)."""
        self._retired = True

    def _dead(self) -> bool:
        return self._retired or self.error is not None

    def _failed(self, exc: OSError) -> OSError:
        self.error = exc
        return exc

    def write(self, data: bytes) -> int:
        if self._dead():
            return len(data)
        try:
            written = self._fh.write(data)
        except OSError as exc:
            raise self._failed(exc) from None
        self._pos += written
        return written

    def flush(self) -> None:
        if not self._dead():
            try:
                self._fh.flush()
            except OSError as exc:
                raise self._failed(exc) from None

    def seek(self, offset: int, whence: int = 0) -> int:
        if self._dead():
            return self._pos
        try:
            self._pos = self._fh.seek(offset, whence)  # a buffered file writes what it holds
        except OSError as exc:
            raise self._failed(exc) from None
        return self._pos

    def tell(self) -> int:  # a pipe's error here tells zipfile to stream: not kept
        if not self._dead():
            self._pos = self._fh.tell()
        return self._pos

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fh, name)


def write_xlsx(
    records: Iterable[dict[str, Any]],
    fh: IO[bytes],
    columns: Sequence[str],
    *,
    sheet: str = "articles",
) -> XlsxResult:
    """Write records to an .xlsx workbook in ``fh`` (a binary file, or a pipe).

    :param columns: the columns, in order; ``NOTE_COLUMN`` is added last
    :param sheet: the first sheet's name; more sheets get `` 2``, `` 3``...
    """
    import xlsxwriter  # lazily: only xlsx exports need it
    from xlsxwriter.exceptions import FileCreateError

    out = _Guarded(fh)
    workbook = xlsxwriter.Workbook(out, {
        "constant_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    })  # fmt: skip
    result = XlsxResult()
    header = [*columns, NOTE_COLUMN]
    worksheet: Any = None
    row = MAX_ROWS
    try:
        for record in records:
            if row >= MAX_ROWS:
                result.sheets += 1
                name = sheet if result.sheets == 1 else f"{sheet} {result.sheets}"
                worksheet = workbook.add_worksheet(name[:31])
                for col, title in enumerate(header):
                    worksheet.write_string(0, col, title)
                row = 1
            cut = []
            for col, name in enumerate(columns):
                value = cell(record.get(name))
                if isinstance(value, bool) or not isinstance(value, int | float):
                    text = str(value)
                    if not text:
                        continue
                    short = fit(text)
                    if short != text:
                        cut.append(name)
                    worksheet.write_string(row, col, short)
                else:
                    worksheet.write_number(row, col, value)
            if cut:
                worksheet.write_string(row, len(columns), ", ".join(cut))
                result.truncated_cells += len(cut)
            row += 1
            result.rows += 1
        if worksheet is None:  # no rows: a sheet with the header alone
            result.sheets = 1
            worksheet = workbook.add_worksheet(sheet[:31])
            for col, title in enumerate(header):
                worksheet.write_string(0, col, title)
        workbook.close()
    except FileCreateError as exc:  # the OSError inside: as the other formats report it
        cause = out.error or (exc.args[0] if exc.args else None)
        if isinstance(cause, OSError):
            raise cause from None
        raise
    except BaseException:  # the first error is the one to report, not closing's
        out.retire()
        with contextlib.suppress(Exception):
            workbook.close()
        raise
    finally:
        out.retire()
    return result
