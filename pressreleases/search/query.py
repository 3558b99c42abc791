"""The reader's query syntax, parsed into a small tree that each database renders in its own
full-text language.

Syntax (the one web search engines taught readers, as in PostgreSQL's `websearch_to_tsquery`):
words must all match; `"an exact phrase"`; `-word` or `-"a phrase"` excludes; `OR` (upper case)
between two words or phrases accepts either; the last word, while still being typed, also matches
as a prefix. Anything else (punctuation, stray operators, unbalanced quotes, FTS or SQL syntax) is
ordinary text: parsing never fails, it only finds fewer words.
"""

import unicodedata
from dataclasses import dataclass

from .text import clean, is_cyrillic, is_stop_word, split_words

MAX_QUERY_LENGTH = 1_000
MAX_ATOMS = 32
MAX_WORD_LENGTH = 100
MIN_PREFIX_LENGTH = 3
QUOTES = frozenset('"“”„‟«»')
# An English agent noun and its verb stem are different stems to Snowball and Porter ("smuggler"
# vs "smuggl"), so "smugglers" would miss "smuggling": each form also searches the other.
_FAMILY_SUFFIXES = (("ers", "ing"), ("er", "ing"), ("ing", "er"))
_MIN_ROOT_LENGTH = 4


@dataclass(frozen=True)
class Term:
    """One lower-case word, matched through the stemmer of each language."""

    word: str
    prefix: bool = False
    exact: bool = False

    @property
    def family(self) -> tuple[str, ...]:
        """Related English words also searched: "smugglers" gives ("smuggling",)."""
        if self.exact or not (self.word.isascii() and self.word.isalpha()):
            return ()
        for suffix, replacement in _FAMILY_SUFFIXES:
            root = self.word.removesuffix(suffix)
            if root != self.word and len(root) >= _MIN_ROOT_LENGTH:
                return (root + replacement,)
        return ()

    @property
    def is_cyrillic(self) -> bool:
        return is_cyrillic(self.word)


@dataclass(frozen=True)
class Phrase:
    """Lower-case words that must appear together, in this order."""

    words: tuple[str, ...]


Atom = Term | Phrase


@dataclass(frozen=True)
class Clause:
    """Alternatives joined by OR; an excluded clause removes what matches it."""

    atoms: tuple[Atom, ...]
    excluded: bool = False


@dataclass(frozen=True)
class SearchQuery:
    clauses: tuple[Clause, ...]

    @property
    def is_empty(self) -> bool:
        """True when nothing searchable is left (blank input, only stop words or symbols)."""
        return not self.clauses

    @property
    def included(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.excluded)

    @property
    def excluded(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.excluded)


@dataclass
class _Chunk:
    text: str
    excluded: bool
    quoted: bool
    at_end: bool = False


_OR = object()


def parse_query(text: str) -> SearchQuery:
    """The query tree for what a reader typed. Never raises; the input is cut to
    MAX_QUERY_LENGTH characters and MAX_ATOMS words or phrases."""
    text = unicodedata.normalize("NFKC", clean(text or "", MAX_QUERY_LENGTH))
    clauses: list[Clause] = []
    atom_count = 0
    join_with_previous = False
    for chunk in _chunks(text):
        if chunk is _OR:
            join_with_previous = bool(clauses) and not clauses[-1].excluded
            continue
        atom = _atom(chunk)
        if atom is None or atom_count >= MAX_ATOMS:
            join_with_previous = False
            continue
        atom_count += 1
        if join_with_previous and not chunk.excluded:
            clauses[-1] = Clause((*clauses[-1].atoms, atom))
        else:
            clauses.append(Clause((atom,), excluded=chunk.excluded))
        join_with_previous = False
    return SearchQuery(tuple(clauses))


def _chunks(text: str):
    """Quoted phrases, bare words (possibly with inner punctuation) and OR, in order."""
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        excluded = False
        if text[i] == "-":
            j = i
            while j < n and text[j] == "-":
                j += 1
            if j == n or text[j].isspace():
                i = j  # a lone minus sign excludes nothing
                continue
            excluded, i = True, j
        if text[i] in QUOTES:
            end = next((j for j in range(i + 1, n) if text[j] in QUOTES), n)
            yield _Chunk(text[i + 1 : end], excluded, quoted=True)
            i = end + 1
            continue
        j = i
        while j < n and not text[j].isspace() and text[j] not in QUOTES:
            j += 1
        word = text[i:j]
        if word == "OR" and not excluded:
            yield _OR
        else:
            yield _Chunk(word, excluded, quoted=False, at_end=j == n)
        i = j


def _atom(chunk: _Chunk) -> Atom | None:
    words = [w.lower() for w in split_words(chunk.text) if len(w) <= MAX_WORD_LENGTH]
    # Stop words at either end of a phrase add nothing; inside it they keep the words apart.
    while words and is_stop_word(words[0]):
        words.pop(0)
    while words and is_stop_word(words[-1]):
        words.pop()
    if not words:
        return None
    if len(words) > 1:
        return Phrase(tuple(words))
    bare = not chunk.quoted and len(split_words(chunk.text)) == 1
    prefix = bare and chunk.at_end and not chunk.excluded and len(words[0]) >= MIN_PREFIX_LENGTH
    return Term(words[0], prefix=prefix, exact=not bare)
