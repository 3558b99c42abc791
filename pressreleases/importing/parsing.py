"""Read one scraped press-release page, plain text or saved HTML, into a `ParsedPage`.

The text form is the seed's: the site's navigation as "- " lines, then the content type, the
title, the metadata ("- Date:", "- Place:", "- Source:", "- Fields of work:", each followed by
its "- " values or with the value on the same line), then one paragraph per line, the first
opening with the dateline ("SARAJEVO, 20 September 2017 – …"). Saved HTML is flattened into the
same lines first (see `htmlpage`).

The lead is the first paragraph without its dateline (places and date are stored apart and the
dateline is rebuilt from them); the body is the paragraphs after it. Nothing here touches the
database: names of sources and fields are returned as written.
"""

import datetime
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..models import PressRelease, fold
from .htmlpage import flatten

MAX_BYTES = 5 * 1024 * 1024
TITLE_MAX_LENGTH = PressRelease._meta.get_field("title").max_length
URL_MAX_LENGTH = PressRelease._meta.get_field("source_url").max_length
CONTENT_TYPES = {fold(label): value for value, label in PressRelease.ContentType.choices}
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
METADATA_KEYS = {
    "date": "date", "place": "place", "places": "place", "source": "source", "sources": "source",
    "fields of work": "fields", "field of work": "fields",
}  # fmt: skip

_METADATA = re.compile(
    r"^(?:-\s*)?(?P<key>date|places?|sources?|fields? of work)\s*:\s*(?P<value>.*)$", re.I
)
_DATE = (
    r"\d{1,2}\.?\s+[^\W\d_]+\.?,?\s+\d{4}|[^\W\d_]+\.?\s+\d{1,2},?\s+\d{4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}\.\d{1,2}\.\d{4}"
)
_DATELINE = re.compile(
    rf"^(?P<places>[^,:;.!?“”\"]{{2,100}}?)\s*,\s*(?P<date>{_DATE})\s*[-–—]+\s*(?P<rest>\S.*)$",
    re.S,
)
_PLACES_ONLY = re.compile(r"^(?P<places>[^,:;.!?“”\"]{2,100}?)\s+[-–—]+\s+(?P<rest>\S.*)$", re.S)
_PLACE_SEPARATOR = re.compile(r"\s*/\s*|\s*[–—]\s*|\s+-\s+|\s*,\s*")
_LOWER_IN_PLACE_NAMES = {"am", "an", "der", "de", "on", "upon", "sur", "la", "le"}


class PageError(Exception):
    """The page cannot be imported; the message says why, for the import report."""


@dataclass
class ParsedPage:
    title: str
    date: datetime.date
    content_type: str  # a PressRelease.ContentType value
    lead: str
    places: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # as written, resolved later
    fields_of_work: list[str] = field(default_factory=list)  # as written, resolved later
    body: list[str | tuple[str, ...]] = field(default_factory=list)  # paragraphs; tuples: lists
    source_url: str = ""
    notes: list[str] = field(default_factory=list)  # what staff should check

    @property
    def paragraphs(self) -> list[str]:
        """The lead and the body's paragraphs: where quotations are looked for."""
        return [self.lead, *(block for block in self.body if isinstance(block, str))]

    @property
    def body_html(self) -> str:
        parts = []
        for block in self.body:
            if isinstance(block, str):
                parts.append(f"<p>{html.escape(block, quote=False)}</p>")
            else:
                items = "".join(f"<li>{html.escape(item, quote=False)}</li>" for item in block)
                parts.append(f"<ul>{items}</ul>")
        return "\n".join(parts)


def read_page(path: Path) -> ParsedPage:
    """Parse the page stored at `path`, telling text from HTML by its content."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise PageError(f"the file is {size:,} bytes; pages over {MAX_BYTES:,} are refused")
        data = path.read_bytes()
    except OSError as error:
        raise PageError(f"cannot be read: {error.strerror}") from None
    return parse(decode(data))


def decode(data: bytes) -> str:
    if not data.strip():
        raise PageError("the file is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PageError("binary or non-UTF-8 content, not a text or HTML page") from None
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t\f")
    if "\x00" in text or controls > len(text) / 100:
        raise PageError("binary content, not a text or HTML page")
    return text


def is_html(text: str) -> bool:
    return bool(
        re.search(r"<(?:!doctype\s+html|html|body|article|main|p|div)\b", text[:4096], re.I)
    )


def parse(text: str) -> ParsedPage:
    """Parse a page in either form."""
    if not is_html(text):
        return parse_lines([" ".join(line.split()) for line in text.splitlines()])
    page = flatten(text)
    if not page.lines:
        raise PageError("the HTML page has no text")
    canonical = page.canonical_url
    parsed = parse_lines(page.lines, heading=page.heading, date_hint=parse_date(page.date[:10]))
    if re.match(r"^https?://\S+$", canonical) and len(canonical) <= URL_MAX_LENGTH:
        parsed.source_url = canonical
    return parsed


def parse_lines(
    lines: list[str], *, heading: str = "", date_hint: datetime.date | None = None
) -> ParsedPage:
    """Parse the text form's lines; `heading` and `date_hint` come from HTML markup."""
    lines = [line for line in lines if line]
    notes: list[str] = []
    start = next((i for i, line in enumerate(lines) if _METADATA.match(line)), None)
    if start is not None:
        metadata, body_start = _read_metadata(lines, start)
    else:
        body_start = next(
            (i for i, line in enumerate(lines) if not _is_chrome(line) and _dateline(line)), None
        )
        if body_start is None:
            raise PageError(
                "no press release found: no Date/Place/Source metadata and no dateline "
                "such as “VIENNA, 5 May 2021 –”"
            )
        start, metadata = body_start, {}
    title, content_type = _heading(lines[:start], heading, notes)
    blocks = _blocks(lines[body_start:])
    first = next((i for i, block in enumerate(blocks) if isinstance(block, str)), None)
    if first is None:
        raise PageError("the release has no text after its metadata")
    lead = blocks[first]
    dateline = _dateline(lead)
    if dateline is not None:
        dateline_places, dateline_date, lead = dateline
    else:
        dateline_places, dateline_date = [], None
    date = _release_date(metadata.get("date", []), date_hint, dateline_date, notes)
    places = [p for value in metadata.get("place", []) for p in _PLACE_SEPARATOR.split(value)]
    return ParsedPage(
        title=title,
        date=date,
        content_type=content_type,
        lead=lead,
        places=[_place_name(p) for p in places if p] or dateline_places,
        sources=_split(metadata.get("source", [])),
        fields_of_work=_split(metadata.get("fields", [])),
        body=blocks[:first] + blocks[first + 1 :],
        notes=notes,
    )


def _is_chrome(line: str) -> bool:
    """A "- " line: an item of the site's lists (or a metadata value)."""
    return line == "-" or line.startswith("- ")


def _read_metadata(lines: list[str], start: int) -> tuple[dict[str, list[str]], int]:
    metadata: dict[str, list[str]] = {}
    key = None
    index = start
    while index < len(lines):
        line = lines[index]
        if match := _METADATA.match(line):
            key = METADATA_KEYS[fold(match["key"])]
            metadata.setdefault(key, [])
            if match["value"].strip():
                metadata[key].append(match["value"].strip())
        elif _is_chrome(line):
            if line[1:].strip():
                metadata[key].append(line[1:].strip())
        else:
            break
        index += 1
    return metadata, index


def _heading(lines: list[str], heading: str, notes: list[str]) -> tuple[str, str]:
    """The title and content type: the lines just before the metadata, or the HTML heading
    and the line before it."""
    index = len(lines) - 1
    if heading and heading in lines:
        index = len(lines) - 1 - lines[::-1].index(heading)
    title = lines[index] if index >= 0 else ""
    before = lines[index - 1] if index >= 1 else ""
    if not title or _is_chrome(title):
        raise PageError("no title: nothing but site navigation before the Date/Place metadata")
    if fold(title) in CONTENT_TYPES and fold(before) not in CONTENT_TYPES:
        raise PageError(f"no title: “{title}” is the content type and no title follows it")
    if len(title) > TITLE_MAX_LENGTH:
        raise PageError(f"the title is longer than {TITLE_MAX_LENGTH} characters")
    if before and not _is_chrome(before) and fold(before) in CONTENT_TYPES:
        return title, CONTENT_TYPES[fold(before)]
    if before and not _is_chrome(before):
        notes.append(f"unknown content type “{before}”; imported as a press release")
    else:
        notes.append("no content type given; imported as a press release")
    return title, PressRelease.ContentType.PRESS_RELEASE


def _blocks(lines: list[str]) -> list[str | tuple[str, ...]]:
    """Paragraphs, and runs of "- " lines as lists. A list closing the page is the site's
    (share links, related pages), not the release's, and is dropped."""
    blocks: list[str | tuple[str, ...]] = []
    items: list[str] = []
    for line in lines:
        if _is_chrome(line):
            if line[1:].strip():
                items.append(line[1:].strip())
            continue
        if items:
            blocks.append(tuple(items))
            items = []
        # Scrapes end some paragraphs in "..:" where a link was cut away.
        blocks.append(re.sub(r"\.+:$", ".", line))
    return blocks


def _dateline(paragraph: str) -> tuple[list[str], datetime.date | None, str] | None:
    """(places, date, the rest) for "VIENNA/SARAJEVO, 5 May 2021 – rest"; None without one."""
    match = _DATELINE.match(paragraph)
    date = parse_date(match["date"]) if match else None
    if match is None or date is None:
        match, date = _PLACES_ONLY.match(paragraph), None
    if match is None:
        return None
    places = match["places"].strip()
    if places != places.upper() or not any(c.isalpha() for c in places):
        return None
    names = [p for p in re.split(r"\s*/\s*|\s*[–—]\s*|\s+-\s+", places) if p]
    return [_place_name(p) for p in names], date, match["rest"].strip()


def _release_date(
    values: list[str],
    hint: datetime.date | None,
    dateline: datetime.date | None,
    notes: list[str],
) -> datetime.date:
    for value in values:
        date = parse_date(value)
        if date is not None:
            return date
        notes.append(f"unreadable date “{value}”; the dateline's date was used")
    date = hint or dateline
    if date is None:
        raise PageError(
            "no publication date: the Date field is empty or unreadable and the first "
            "paragraph has no dateline"
        )
    return date


def parse_date(text: str) -> datetime.date | None:
    """The date in "20 September 2017", "Sept. 20, 2017", "2017-09-20" or "20.09.2017"."""
    text = " ".join(text.replace(",", " ").split())
    patterns = (
        (r"(\d{1,2})\.?\s+([^\W\d_]+)\.?\s+(\d{4})", (3, 2, 1)),
        (r"([^\W\d_]+)\.?\s+(\d{1,2})\s+(\d{4})", (3, 1, 2)),
        (r"(\d{4})-(\d{2})-(\d{2})", (1, 2, 3)),
        (r"(\d{1,2})\.(\d{1,2})\.(\d{4})", (3, 2, 1)),
    )
    for pattern, (year, month, day) in patterns:
        if match := re.fullmatch(pattern, text):
            try:
                return datetime.date(int(match[year]), _month(match[month]), int(match[day]))
            except (TypeError, ValueError):
                return None
    return None


def _month(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    folded = fold(word)
    if len(folded) < 3:
        return None
    return next((n for n, name in enumerate(MONTHS, 1) if name.startswith(folded)), None)


def _place_name(place: str) -> str:
    """A dateline's capitals as the place's name: "SARAJEVO" is "Sarajevo", "BANJA LUKA" is
    "Banja Luka"; other spellings are kept."""
    place = place.strip()
    if place != place.upper():
        return place
    words = []
    for index, word in enumerate(place.lower().split()):
        if index and word in _LOWER_IN_PLACE_NAMES:
            words.append(word)
        else:
            words.append("-".join(part[:1].upper() + part[1:] for part in word.split("-")))
    return " ".join(words)


def _split(values: list[str]) -> list[str]:
    """Names listed with commas, in order, once each."""
    names = [name.strip() for value in values for name in value.split(",")]
    return list(dict.fromkeys(name for name in names if name))
