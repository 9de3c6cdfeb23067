"""Reading a CSV file of outcome counts: every row checked, every problem reported by line.

The file holds the columns period, group, population, events (in any order and case) and
optionally standard (2024 or 1997: the race and ethnicity standard the row was recorded under;
the form's choice where the column is absent or empty). Groups are named by key, by their 2024
or 1997 label or a common short form (outcomes.groups), and stored under the 2024 keys.
Nothing here touches the database: `parse_counts` returns rows or problems, never both.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from outcomes.groups import group_from_text, group_label
from outcomes.models import MAX_COUNT, Standard, normalize_period, period_error

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 50_000
REQUIRED = ("period", "group", "population", "events")
OPTIONAL = ("standard",)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
SHOWN_TEXT = 40  # a user's value quoted back in a message is cut to this length


@dataclass(frozen=True)
class CountRow:
    line: int
    period: str
    group: str
    population: int
    events: int
    standard: str


@dataclass(frozen=True)
class Problem:
    line: int | None  # None: the file as a whole
    message: str


@dataclass
class ParsedCounts:
    rows: list[CountRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_upload(upload) -> bytes | Problem:
    """The upload's bytes, or why it is refused; a file too large is not read."""
    if upload.size is not None and upload.size > MAX_BYTES:
        return Problem(None, _too_large())
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        return Problem(None, _too_large())
    return data


def _too_large() -> str:
    return _("The file is larger than 2 MB. Split it into smaller files, a few years each.")


def parse_counts(
    data: bytes, granularity: str, default_standard: str = Standard.SPD_2024
) -> ParsedCounts:
    text = decode(data)
    if isinstance(text, Problem):
        return ParsedCounts(problems=[text])
    return _Parser(granularity, default_standard).parse(text)


def decode(data: bytes) -> str | Problem:
    """UTF-8 text, with or without a byte order mark; anything else is refused clearly."""
    if data.startswith(UTF16_BOMS):
        return Problem(None, _not_utf8(_("it is UTF-16 (“Unicode text”)")))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        where = _("byte %(byte)s on line %(line)s is not UTF-8") % {
            "byte": f"0x{data[exc.start]:02X}",
            "line": line,
        }
        return Problem(None, _not_utf8(where))
    if "\x00" in text:
        return Problem(None, _not_utf8(_("it holds NUL characters")))
    if not text.strip():
        return Problem(None, _("The file is empty."))
    return text


def _not_utf8(why: str) -> str:
    return _(
        "The file is not UTF-8 text: %(why)s. In your spreadsheet, save it as “CSV UTF-8 "
        "(comma delimited)” and upload that file."
    ) % {"why": why}


class _Parser:
    """One file's rows, read in order; problems collected as they are met."""

    def __init__(self, granularity: str, default_standard: str):
        self.granularity = granularity
        self.default_standard = default_standard
        self.result = ParsedCounts()
        self.seen: dict[tuple[str, str], int] = {}  # (period, group) -> its first line

    def parse(self, text: str) -> ParsedCounts:
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            columns = self._columns(next(reader, []))
            if columns is not None:
                self._rows(reader, columns)
        except csv.Error as exc:
            self._problem(reader.line_num, _("unreadable CSV (%s).") % exc)
        if self.result.problems:
            self.result.rows = []
        return self.result

    def _problem(self, line: int | None, message: str) -> None:
        self.result.problems.append(Problem(line, message))

    def _columns(self, header: list[str]) -> dict[str, int] | None:
        names = [name.strip().lower() for name in header]
        for name in sorted({n for n in names if n and names.count(n) > 1}):
            self._problem(1, _("the column “%s” appears more than once.") % _shown(name))
        missing = [name for name in REQUIRED if name not in names]
        if missing:
            message = _(
                "missing columns: %(missing)s. The first line must name the columns %(all)s."
            )
            self._problem(1, message % {"missing": ", ".join(missing), "all": ", ".join(REQUIRED)})
        if self.result.problems:
            return None
        return {name: names.index(name) for name in (*REQUIRED, *OPTIONAL) if name in names}

    def _rows(self, reader, columns: dict[str, int]) -> None:
        count, start = 0, reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            count += 1
            if count > MAX_ROWS:
                self.result.problems = [Problem(None, _too_many_rows())]
                return
            values = {
                name: cells[i].strip() if i < len(cells) else "" for name, i in columns.items()
            }
            row = self._row(line, values)
            if row is not None and self._first_time(row.period, row.group, line):
                self.result.rows.append(row)

    def _row(self, line: int, values: dict[str, str]) -> CountRow | None:
        found: list[str] = []
        period = normalize_period(values["period"])
        if not period:
            found.append(_("the period is missing."))
        elif error := period_error(period, self.granularity):
            found.append(str(error))
        group = _group(values["group"], found)
        population = _count(values["population"], _("population"), found)
        events = _count(values["events"], _("events"), found)
        standard = _standard(values.get("standard", ""), found)
        if population is not None and events is not None and events > population:
            found.append(
                _("events (%(events)s) are more than the population (%(population)s).")
                % {"events": events, "population": population}
            )
        for message in found:
            self._problem(line, message)
        if found:
            if period and group:
                self._first_time(period, group, line)  # a later line may repeat it
            return None
        standard = standard or self.default_standard
        # Each of them missing was a problem above.
        assert period and group and population is not None and events is not None
        return CountRow(line, period, group, population, events, standard)

    def _first_time(self, period: str, group: str, line: int) -> bool:
        first = self.seen.setdefault((period, group), line)
        if first != line:
            message = _("period %(period)s, group %(group)s is already on line %(first)s.")
            values = {"period": period, "group": group_label(group), "first": first}
            self._problem(line, message % values)
        return first == line


def _too_many_rows() -> str:
    return _("The file has more than %s rows of counts. Split it into smaller files.") % (
        f"{MAX_ROWS:,}"
    )


def _group(text: str, found: list[str]) -> str | None:
    if not text:
        found.append(_("the group is missing."))
        return None
    key = group_from_text(text)
    if key is None:
        found.append(
            _("unknown group “%s”: use a key from the template or a group's full name.")
            % _shown(text)
        )
    return key


WHOLE = re.compile(r"[0-9]+")
NEGATIVE = re.compile(r"-\s*[0-9]+(\.[0-9]*)?")


def _count(text: str, name: str, found: list[str]) -> int | None:
    if not text:
        found.append(_("%s is missing.") % name)
        return None
    if NEGATIVE.fullmatch(text):
        found.append(
            _("%(name)s (%(value)s) must not be negative.") % {"name": name, "value": _shown(text)}
        )
        return None
    if not WHOLE.fullmatch(text):
        found.append(
            _("%(name)s “%(value)s” is not a whole number.") % {"name": name, "value": _shown(text)}
        )
        return None
    # A long string of digits is refused before int(), which stops at 4,300 digits.
    value = int(text) if len(text.lstrip("0")) <= len(str(MAX_COUNT)) else MAX_COUNT + 1
    if value > MAX_COUNT:
        found.append(
            _("%(name)s is larger than %(max)s.") % {"name": name, "max": f"{MAX_COUNT:,}"}
        )
        return None
    return value


def _standard(text: str, found: list[str]) -> str:
    if text and text not in Standard.values:
        found.append(_("standard “%s” is neither 2024 nor 1997.") % _shown(text))
    return text


def _shown(text: str) -> str:
    return text if len(text) <= SHOWN_TEXT else text[:SHOWN_TEXT] + "…"
