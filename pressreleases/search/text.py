"""Text handling shared by the index and the query parser: plain text from body HTML, words,
stop words and a Russian stemmer.

Both databases must agree on which words are too common to search for, so the stop words are
PostgreSQL's own lists (the Snowball lists behind its `english` and `russian` dictionaries): a
query word PostgreSQL never indexes is dropped from the query on SQLite too.
"""

import re
import unicodedata
from html import unescape

# Only this much of each text is indexed: it bounds index rows (PostgreSQL refuses a tsvector
# over 1 MB) and no press release comes near it.
MAX_TEXT_LENGTH = 100_000

# Control characters become spaces (they separate words). Surrogates, private-use characters
# (the highlight markers live there) and invisible format characters (soft hyphen, zero-width
# space, BOM) are dropped.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DROPPED = re.compile(
    "[\ud800-\udfff\ue000-\uf8ff\U000f0000-\U0010ffff\u00ad\u200b-\u200d\u2060\ufeff]"
)
_UNCLEAN = re.compile(f"{_CONTROLS.pattern}|{_DROPPED.pattern}")

_ENGLISH_STOP_WORDS = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his himself
    she her hers herself it its itself they them their theirs themselves what which who whom this
    that these those am is are was were be been being have has had having do does did doing a an
    the and but if or because as until while of at by for with about against between into through
    during before after above below to from up down in out on off over under again further then
    once here there when where why how all any both each few more most other some such no nor not
    only own same so than too very s t can will just don should now
"""
_RUSSIAN_STOP_WORDS = """
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне
    было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни быть был него
    до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы
    тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому
    этого какой совсем ним здесь этом один почти мой тем чтобы нее сейчас были куда зачем всех
    никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего них
    какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя
    такой им более всегда конечно всю между
"""
ENGLISH_STOP_WORDS = frozenset(_ENGLISH_STOP_WORDS.split())
RUSSIAN_STOP_WORDS = frozenset(_RUSSIAN_STOP_WORDS.split())
STOP_WORDS = ENGLISH_STOP_WORDS | RUSSIAN_STOP_WORDS

_BLOCK_TAG_NAMES = (
    "p|br|hr|h[1-6]|ul|ol|li|blockquote|figure|figcaption|table|caption|thead|tbody|tfoot|tr|th|td"
    "|div|section|article|header|footer|aside|dl|dt|dd|pre"
)
_HIDDEN_ELEMENTS = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_BLOCK_TAGS = re.compile(rf"</?(?:{_BLOCK_TAG_NAMES})\b[^>]*>", re.IGNORECASE)
_TAGS = re.compile(r"</?[a-zA-Z][^>]*>")


def clean(text: str, limit: int = MAX_TEXT_LENGTH) -> str:
    """`text` cut to `limit` characters, in NFC form, without characters that are never indexed."""
    text = text[:limit]
    if _UNCLEAN.search(text):
        text = _DROPPED.sub("", _CONTROLS.sub(" ", text))
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def html_to_text(html: str) -> str:
    """The reader-visible text of body HTML: tags dropped (block tags separate words), entities
    decoded, whitespace collapsed to single spaces. Bodies are sanitised on save, so tags are
    well formed; a regular expression is enough and far quicker than a parser."""
    text = _HIDDEN_ELEMENTS.sub(" ", html or "")
    text = _TAGS.sub("", _BLOCK_TAGS.sub(" ", text))
    return " ".join(unescape(text).split())


_WORD = re.compile(r"[^\W_]+")


def split_words(text: str) -> list[str]:
    """Runs of letters and digits: "co-operation" gives ["co", "operation"]."""
    return _WORD.findall(text)


def strip_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def is_stop_word(word: str) -> bool:
    """True for a word PostgreSQL's English or Russian dictionary never indexes. `unaccent` runs
    before those dictionaries, so "thé" counts as "the"."""
    lowered = word.lower()
    folded = strip_accents(lowered)
    return lowered in STOP_WORDS or folded in STOP_WORDS


def is_cyrillic(word: str) -> bool:
    return any("\u0400" <= c <= "\u04ff" for c in word)


# The Snowball Russian stemmer (snowballstem.org/algorithms/russian/stemmer.html), the algorithm
# behind PostgreSQL's `russian_stem`. SQLite's FTS5 has no Russian stemmer, so SQLite searches
# a Russian word by its stem as a prefix.
_VOWELS = set("аеиоуыэюя")
_GERUND_1 = ("в", "вши", "вшись")
_GERUND_2 = ("ив", "ивши", "ившись", "ыв", "ывши", "ывшись")
_ADJECTIVE = (
    "ее", "ие", "ые", "ое", "ими", "ыми", "ей", "ий", "ый", "ой", "ем", "им", "ым", "ом", "его",
    "ого", "ему", "ому", "их", "ых", "ую", "юю", "ая", "яя", "ою", "ею",
)  # fmt: skip
_PARTICIPLE_1 = ("ем", "нн", "вш", "ющ", "щ")
_PARTICIPLE_2 = ("ивш", "ывш", "ующ")
_REFLEXIVE = ("ся", "сь")
_VERB_1 = (
    "ла", "на", "ете", "йте", "ли", "й", "л", "ем", "н", "ло", "но", "ет", "ют", "ны", "ть", "ешь",
    "нно",
)  # fmt: skip
_VERB_2 = (
    "ила", "ыла", "ена", "ейте", "уйте", "ите", "или", "ыли", "ей", "уй", "ил", "ыл", "им", "ым",
    "ен", "ило", "ыло", "ено", "ят", "ует", "уют", "ит", "ыт", "ены", "ить", "ыть", "ишь", "ую",
    "ю",
)  # fmt: skip
_NOUN = (
    "а", "ев", "ов", "ие", "ье", "е", "иями", "ями", "ами", "еи", "ии", "и", "ией", "ей", "ой",
    "ий", "й", "иям", "ям", "ием", "ем", "ам", "ом", "о", "у", "ах", "иях", "ях", "ы", "ь", "ию",
    "ью", "ю", "ия", "ья", "я",
)  # fmt: skip
_DERIVATIONAL = ("ост", "ость")


def _regions(word: str) -> tuple[int, int]:
    """Start of RV (after the first vowel) and of R2, as Snowball defines them."""
    n = len(word)
    i = 0
    while i < n and word[i] not in _VOWELS:
        i += 1
    rv = min(i + 1, n)
    # R2: after vowel, non-vowel, vowel, non-vowel.
    positions = [rv]
    j = rv
    for want_vowel in (False, True, False):
        while j < n and (word[j] in _VOWELS) != want_vowel:
            j += 1
        j = min(j + 1, n)
        positions.append(j)
    return rv, positions[-1]


def _longest_suffix(word: str, start: int, endings: tuple[str, ...]) -> str:
    found = ""
    for ending in endings:
        if len(ending) > len(found) and word.endswith(ending) and len(word) - len(ending) >= start:
            found = ending
    return found


def _remove(word: str, start: int, group_1: tuple[str, ...], group_2: tuple[str, ...] = ()) -> str:
    """`word` without its longest ending from the two groups, or unchanged; a group 1 ending
    only counts after а or я (which stays)."""
    ending = _longest_suffix(word, start, group_1 + group_2)
    if not ending:
        return word
    stem = word[: -len(ending)]
    if ending in group_2:
        return stem
    if len(stem) > start and stem[-1] in "ая":
        return stem
    return word


def russian_stem(word: str) -> str:
    """The Snowball stem of a lower-case Russian word: "выборах" and "выборов" give "выбор"."""
    word = word.lower().replace("ё", "е")
    rv, r2 = _regions(word)
    # Step 1
    stem = _remove(word, rv, _GERUND_1, _GERUND_2)
    if stem == word:
        stem = _remove(word, rv, (), _REFLEXIVE)
        for step in (_remove_adjectival, _remove_verb, _remove_noun):
            shorter = step(stem, rv)
            if shorter != stem:
                stem = shorter
                break
    # Step 2
    if stem.endswith("и") and len(stem) - 1 >= rv:
        stem = stem[:-1]
    # Step 3
    ending = _longest_suffix(stem, r2, _DERIVATIONAL)
    if ending:
        stem = stem[: -len(ending)]
    # Step 4
    ending = _longest_suffix(stem, rv, ("ейше", "ейш", "н", "ь"))
    if ending in ("ейше", "ейш"):
        stem = stem[: -len(ending)]
        if stem.endswith("нн") and len(stem) - 2 >= rv:
            stem = stem[:-1]
    elif ending == "н":
        if stem.endswith("нн") and len(stem) - 2 >= rv:
            stem = stem[:-1]
    elif ending == "ь":
        stem = stem[:-1]
    return stem


def _remove_adjectival(word: str, rv: int) -> str:
    ending = _longest_suffix(word, rv, _ADJECTIVE)
    if not ending:
        return word
    stem = word[: -len(ending)]
    return _remove(stem, rv, _PARTICIPLE_1, _PARTICIPLE_2)


def _remove_verb(word: str, rv: int) -> str:
    return _remove(word, rv, _VERB_1, _VERB_2)


def _remove_noun(word: str, rv: int) -> str:
    return _remove(word, rv, (), _NOUN)
