"""Find the quotations in a release's paragraphs and who said each one, from the text alone.

The result names speakers and roles as written; `resolving` maps them to people and
organisations. For each quotation, in this order:

1. an attribution right after it: “…,” said NAME, ROLE. · “…,” NAME, ROLE, said. · “…,” he said.
   · “…” said ROLE NAME · “…,” said SURNAME (someone named earlier on the page);
2. an attribution right before it, in the same sentence: NAME, ROLE, said: “…” · She added: “…”
   · According to NAME, “…”;
3. for a quotation that is a sentence of its own: the speaker of its paragraph (named by
   NAME, ROLE, said that … or by an earlier quotation), or, when it opens the paragraph, the
   speaker the previous paragraph named last; failing both, the speaker named last on the
   page, with a doubt.

A quotation left open at the end of a paragraph continues when the next paragraph opens with a
quotation mark; the parts become one quotation, joined by a blank line. Partial quotations inside
a sentence ("… called it “a first step”.") and quoted titles are not quotations of a speaker and
are skipped, as are paragraphs that only report speech. A doubtful attribution is kept with a
`doubt` saying why, for staff to review; it is never silently guessed.
"""

import re
from dataclasses import dataclass

from ..models import fold
from .names import INTRO_WORDS, PRONOUNS, leading_name, looks_like_name, person_key, trailing_name

OPENING, CLOSING, STRAIGHT = "“", "”", '"'
REPORTING_VERBS = (
    r"said|says|added|adds|stated|states|noted|notes|stressed|stresses|emphasi[sz]ed|underlined"
    r"|underscored|highlighted|explained|pointed out|told|remarked|observed|concluded|continued"
    r"|recalled|reiterated|warned|urged|declared|announced|affirmed|argued|insisted"
    r"|acknowledged|commented|welcomed|praised|expressed|asked|replied|answered|wrote"
)
_VERB_FIRST = re.compile(rf"^\s*,?\s*(?:{REPORTING_VERBS})\s+(?P<who>.+)$", re.S)
_SUBJECT_FIRST = re.compile(
    rf"^\s*,?\s*(?P<who>[^\s,].{{0,250}}?),?\s+(?:also\s+|further\s+|then\s+)?"
    rf"(?:{REPORTING_VERBS})\b(?P<tail>.*)$",
    re.S,
)
_VERB_BEFORE = re.compile(rf"^(?P<who>.+?),?\s+(?:also\s+)?(?:{REPORTING_VERBS})\s*[:,]?\s*$", re.S)
_ACCORDING_TO = re.compile(r"^According to (?P<who>.+?),\s*$", re.S)
_SUBJECT = re.compile(
    rf"^(?P<who>[^“”\"]{{2,250}}?),?\s+(?:also\s+|further\s+|then\s+)?(?:{REPORTING_VERBS})\b",
    re.S,
)
# "NAME, ROLE, opened the meeting": someone named and described, whatever they did.
_APPOSITIVE = re.compile(r"^(?P<who>[^,“”\"]{3,120}, [^“”\"]{3,250}?),\s+(?=[a-z])", re.S)
# A clause after a role: "…, Head of X, adding that …", "…, Head of X, at the opening …".
_CLAUSE = re.compile(
    r",\s+(?:(?!acting\b)[a-z]+ing|who|which|while|as|and|but|at|during|in|on|when|after|before|because"
    r"|since|where|according|to)\b.*$",
    re.S,
)
_BOUNDARY = re.compile(r"[.!?]+[”\"’)]*\s+(?=[“\"(]|[^\W\d_])")
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "amb", "no", "jr", "sr", "vs", "etc"}
MIN_WORDS_UNATTRIBUTED = 4
_MARKS = re.compile(r"[“”\"]")


@dataclass
class FoundQuote:
    """A quotation and its attribution as the text gives it."""

    text: str
    speaker: str = ""  # the name as first written on the page; "" when no one could be named
    role: str = ""  # the speaker's role as written, "" when the text gives none
    described_as: str = ""  # "the Minister": the text names a role or body instead of a person
    doubt: str = ""  # why staff should check the attribution


@dataclass
class _Span:
    start: int  # the opening mark
    end: int  # just after the closing mark; the paragraph's length when left open
    closed: bool
    text: str


@dataclass
class _Speaker:
    name: str
    role: str


@dataclass(frozen=True)
class _Mention:
    kind: str  # "name", "pronoun" or "described"
    name: str = ""
    role: str = ""


def find_spans(paragraph: str) -> list[_Span]:
    """The quoted stretches of a paragraph. Curly and straight marks both count, and a quotation
    opened with “ may close with a straight mark; apostrophes and single marks never do."""
    spans: list[_Span] = []
    start = None
    for mark in _MARKS.finditer(paragraph):
        index, char = mark.start(), mark[0]
        before = paragraph[index - 1] if index else " "
        after = paragraph[index + 1] if index + 1 < len(paragraph) else " "
        if start is None:
            if char == OPENING or (char == STRAIGHT and (before.isspace() or before in "([—–-/:")):
                start = index
        elif char == CLOSING or (char == STRAIGHT and not after.isalnum()):
            spans.append(_Span(start, index + 1, True, paragraph[start + 1 : index]))
            start = None
    if start is not None:
        spans.append(_Span(start, len(paragraph), False, paragraph[start + 1 :]))
    return spans


def _masked(paragraph: str, spans: list[_Span]) -> str:
    """The paragraph with quoted words blanked out, keeping a quotation's final full stop so a
    sentence still ends after “… crimes.”"""
    chars = list(paragraph)
    for span in spans:
        inner_end = span.end - 1 if span.closed else span.end
        last = (
            inner_end - 1 if paragraph[inner_end - 1 : inner_end] in (".", "!", "?") else inner_end
        )
        for index in range(span.start + 1, last):
            chars[index] = "x"
    return "".join(chars)


def _word_before(text: str, end: int) -> str:
    """The run of non-space characters that ends at `end` (empty when a space comes first)."""
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end]


def _is_boundary(text: str, match: re.Match) -> bool:
    word = _word_before(text, match.start())
    if not word:
        return False
    token = word.strip("“”\"'(")
    if len(token) == 1 and token.isupper():
        return False  # an initial: "Bruce G. Berton"
    if "." in token or fold(token) in _ABBREVIATIONS:
        return False  # "U.S.", "Dr."
    following = text[match.end() : match.end() + 1]
    return following in '“"(' or following.isupper()


def _sentence_starts(masked: str) -> list[int]:
    return [0] + [m.end() for m in _BOUNDARY.finditer(masked) if _is_boundary(masked, m)]


def _clause_end(paragraph: str, masked: str, position: int) -> int:
    """Where the sentence running on at `position` ends: its full stop, the next quotation or
    the end of the paragraph."""
    ends = [len(paragraph)]
    for match in _BOUNDARY.finditer(masked, position):
        if _is_boundary(masked, match):
            ends.append(match.start() + 1)
            break
    for mark in (OPENING, STRAIGHT):
        found = paragraph.find(mark, position)
        if found != -1:
            ends.append(found)
    return min(ends)


def _clean_role(role: str) -> str:
    role = " ".join(_CLAUSE.sub("", role).split()).strip(" ,;:.")
    return re.sub(r"^the\s+", "", role, flags=re.I)


def _is_role(text: str) -> bool:
    first = fold(text).split()[0] if text.split() else ""
    return bool(text) and text[0].isupper() and first not in INTRO_WORDS


def _parse_who(who: str) -> _Mention | None:
    """Read a speaker phrase: a name with or without a role on either side, a pronoun, or a
    description ("the Minister"); None when it is none of these."""
    who = " ".join(_CLAUSE.sub("", who).split()).strip(" ,;:.")
    if not who:
        return None
    if fold(who) in PRONOUNS:
        return _Mention("pronoun")
    parts = [part.strip() for part in who.split(",") if part.strip()]
    for index, part in enumerate(parts):
        if looks_like_name(part):
            if index + 1 < len(parts):
                role = ", ".join(parts[index + 1 :])
            elif index and _is_role(parts[index - 1]):
                role = parts[index - 1]
            else:
                role = ""
            return _Mention("name", part, _clean_role(role))
    role, name = trailing_name(parts[0])
    if name and len(parts) == 1:
        return _Mention("name", name, _clean_role(role))
    if name and not role:
        return _Mention("name", name, _clean_role(", ".join(parts[1:])))  # "Mektić, the Minister"
    name = leading_name(parts[0])
    if name:
        return _Mention("name", name)
    if who[0].isupper() or who.lower().startswith("the "):
        return _Mention("described", who)
    return None


class _Speakers:
    """The people named so far on one page, by matching key."""

    def __init__(self) -> None:
        self._by_key: dict[str, _Speaker] = {}

    def named(self, name: str, role: str) -> tuple[_Speaker | None, str]:
        """The speaker `name` refers to, registering a full name seen for the first time; a lone
        surname must match someone already named. Returns (speaker, doubt)."""
        key = person_key(name)
        tokens = key.split()
        matches = [self._by_key[key]] if key in self._by_key else []
        matches = matches or [
            s for k, s in self._by_key.items() if k.split()[-len(tokens) :] == tokens
        ]
        if len(matches) > 1:
            names = " or ".join(s.name for s in matches)
            return None, f"“{name}” could be {names}"
        if matches:
            speaker = matches[0]
            # "said Minister Mektić" repeats part of the role: keep the fuller one.
            if role and not (speaker.role and fold(role) in fold(speaker.role)):
                speaker.role = role
            return speaker, ""
        if looks_like_name(name):
            speaker = self._by_key[key] = _Speaker(name, role)
            return speaker, ""
        return None, f"“{name}” is not named in full earlier in the release"


class _PageReader:
    def __init__(self) -> None:
        self.speakers = _Speakers()
        self.found: list[FoundQuote] = []
        self.current: _Speaker | None = None  # the speaker last named on the page
        self.open_quote: FoundQuote | None = None  # left open at the end of the last paragraph

    def read(self, paragraphs: list[str]) -> list[FoundQuote]:
        previous_speaker: _Speaker | None = None
        for paragraph in paragraphs:
            previous_speaker = self._read_paragraph(paragraph, previous_speaker)
        self._close_open_quote()
        return self.found

    def _close_open_quote(self) -> None:
        if self.open_quote is not None and not self.open_quote.doubt:
            self.open_quote.doubt = "the quotation is never closed; check where it ends"
        self.open_quote = None

    def _read_paragraph(self, paragraph: str, previous: _Speaker | None) -> _Speaker | None:
        """Attribute the paragraph's quotations; return the speaker it named last, if any."""
        spans = find_spans(paragraph)
        continues = bool(spans) and spans[0].start == 0 and self.open_quote is not None
        if not continues:
            self._close_open_quote()
        masked = _masked(paragraph, spans)
        starts = _sentence_starts(masked)
        # Sentences and quotations in reading order; a sentence before a quotation it opens with.
        events = sorted(
            [(s, 0, None) for s in starts] + [(sp.start, 1, sp) for sp in spans],
            key=lambda event: event[:2],
        )
        here: _Speaker | None = None
        for position, _kind, span in events:
            if span is None:
                here = self._subject(paragraph, masked, position) or here
                continue
            sentence_start = max(s for s in starts if s <= position)
            prefix = paragraph[sentence_start:position]
            clause = paragraph[span.end : _clause_end(paragraph, masked, span.end)]
            mention = self._before(prefix)
            if not prefix.strip() or span.text.rstrip()[-1:] in (",", "!", "?"):
                mention = self._after(clause) or mention
            if span.start == 0 and continues:
                quote = self._continue(span, mention)
            else:
                quote = self._attribute(span, mention, prefix, clause, here, previous)
                if quote is None:
                    continue
                self.found.append(quote)
            self.open_quote = None if span.closed else quote
            if quote.speaker:
                here = self.current
        return here

    def _subject(self, paragraph: str, masked: str, start: int) -> _Speaker | None:
        """The person the sentence at `start` reports on ("NAME, ROLE, said that …"), now the
        speaker last named; None when it names no one."""
        sentence = paragraph[start : _clause_end(paragraph, masked, start)]
        match = _SUBJECT.match(sentence)
        mention = _parse_who(match["who"]) if match else None
        if mention is None and (match := _APPOSITIVE.match(sentence)):
            mention = _parse_who(match["who"])
            mention = mention if mention is not None and mention.role else None
        if mention is None or mention.kind != "name":
            return None
        speaker, _doubt = self.speakers.named(mention.name, mention.role)
        if speaker is not None:
            self.current = speaker
        return speaker

    def _after(self, clause: str) -> _Mention | None:
        if match := _VERB_FIRST.match(clause):
            return _parse_who(match["who"])
        if match := _SUBJECT_FIRST.match(clause):
            return _parse_who(match["who"])
        return None

    def _before(self, prefix: str) -> _Mention | None:
        match = _VERB_BEFORE.match(prefix) or _ACCORDING_TO.match(prefix)
        return _parse_who(match["who"]) if match else None

    def _resolve(self, mention: _Mention) -> tuple[_Speaker | None, str, str]:
        """(speaker, doubt, described_as) for a mention next to a quotation."""
        if mention.kind == "name":
            speaker, doubt = self.speakers.named(mention.name, mention.role)
            return speaker, doubt, ""
        if self.current is None:
            return None, f"“{mention.name or 'he/she'}” refers to no one named before", ""
        if mention.kind == "pronoun":
            return self.current, "", ""
        return (
            self.current,
            f"the text says “{mention.name}”; attributed to {self.current.name}, named last",
            mention.name,
        )

    def _attribute(
        self,
        span: _Span,
        mention: _Mention | None,
        prefix: str,
        clause: str,
        paragraph_speaker: _Speaker | None,
        previous: _Speaker | None,
    ) -> FoundQuote | None:
        text = _clean_text(span.text)
        if not text:
            return None
        if mention is not None:
            speaker, doubt, described = self._resolve(mention)
        elif prefix.strip() or clause.strip(" .") or len(text.split()) < MIN_WORDS_UNATTRIBUTED:
            return None  # a partial quotation or a title inside a sentence
        elif paragraph_speaker is not None:
            speaker, doubt, described = paragraph_speaker, "", ""
        elif span.start == 0 and previous is not None:
            speaker, doubt, described = previous, "", ""
        elif self.current is not None:
            speaker, described = self.current, ""
            doubt = f"no speaker is named next to it; attributed to {self.current.name}, named last"
        else:
            speaker, doubt, described = None, "no speaker is named for it", ""
        if speaker is not None:
            self.current = speaker
        return FoundQuote(
            text=text,
            speaker=speaker.name if speaker else "",
            role=speaker.role if speaker else "",
            described_as=described,
            doubt=doubt,
        )

    def _continue(self, span: _Span, mention: _Mention | None) -> FoundQuote:
        quote = self.open_quote
        quote.text = f"{quote.text}\n\n{_clean_text(span.text)}"
        if mention is not None and not quote.speaker:
            speaker, quote.doubt, quote.described_as = self._resolve(mention)
            if speaker is not None:
                quote.speaker, quote.role = speaker.name, speaker.role
                self.current = speaker
        return quote


def _clean_text(text: str) -> str:
    # “…, ” said X: the comma belongs to the sentence around the quotation, not to the quote.
    return " ".join(text.split()).rstrip(",").rstrip()


def find_quotes(paragraphs: list[str]) -> list[FoundQuote]:
    """Every quotation in `paragraphs` (the lead first, then the body), in reading order."""
    return _PageReader().read(paragraphs)
