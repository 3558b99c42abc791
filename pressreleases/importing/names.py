"""Telling people's names from roles in press-release prose, and the key people are matched by.

Press releases write "Bruce G. Berton", "Bruce Berton" and "Ambassador Bruce Berton" for one
person, and "Head of the OSCE Mission to BiH" next to it. These helpers decide which words are
a name; they never look at the database.
"""

import re

from ..models import fold

HONORIFICS = {"ambassador", "dr", "prof", "professor", "mr", "mrs", "ms", "h e"}
# Lower-case or capitalised, these join the parts of a surname ("Peter Van Der Auweraert").
PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "das", "dos", "du", "la",
    "le", "ten", "ter", "bin", "al", "el",
}  # fmt: skip
# Capitalised words that open sentences or make up titles and bodies; never part of a name.
NOT_NAME_WORDS = {
    # sentence openers
    "the", "this", "that", "these", "those", "he", "she", "it", "they", "we", "i", "in", "at",
    "on", "for", "during", "according", "after", "before", "while", "also", "both", "all",
    "speaking", "addressing", "participants", "and", "but", "as", "with", "by", "from", "our",
    "his", "her", "their", "its", "a", "an", "today", "yesterday", "opening", "closing",
    # titles
    "head", "minister", "ministry", "deputy", "director", "secretary", "general", "ambassador",
    "president", "vice", "chair", "chairperson", "chairman", "chairwoman", "chairmanship",
    "representative", "special", "co-ordinator", "coordinator", "officer", "adviser",
    "advisor", "commissioner", "high", "chief", "spokesperson", "spokesman", "spokeswoman",
    "executive", "senior", "acting", "assistant", "manager", "expert", "member", "speaker",
    "commander", "mayor", "governor", "prosecutor", "judge", "professor", "prime", "foreign",
    "affairs", "security", "justice", "interior", "defence", "defense", "police", "state",
    "permanent", "personal", "envoy", "sub-regional", "regional", "programme", "program",
    # bodies
    "mission", "office", "department", "unit", "centre", "center", "council", "assembly",
    "parliament", "organization", "organisation", "government", "agency", "institute",
    "university", "association", "union", "nations", "united", "european", "international",
    "national", "republic", "federal", "commission", "committee", "court", "presence",
    "secretariat", "osce",
}  # fmt: skip
PRONOUNS = {"he", "she"}
# Words that open a phrase before a name ("In his remarks, ..."), so the phrase is not a role.
INTRO_WORDS = {"in", "at", "on", "during", "speaking", "addressing", "according", "after", "for"}

_INITIAL = re.compile(r"^[^\W\d_]\.?$")
_WORD = re.compile(r"^[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*$")


def is_name_token(token: str) -> bool:
    """A capitalised word ("Mektić", "Jean-Pierre", "McDonald"), an initial ("G.") or a
    particle ("van"); not an acronym ("BiH", "IOM") and not a title word."""
    if fold(token) in PARTICLES:
        return True
    if _INITIAL.match(token):
        return token[0].isupper()
    if not _WORD.match(token) or not token[0].isupper():
        return False
    letters = [c for c in token if c.isalpha()]
    return not letters[-1].isupper() and fold(token) not in NOT_NAME_WORDS


def _is_surname_token(token: str) -> bool:
    return is_name_token(token) and fold(token) not in PARTICLES and not _INITIAL.match(token)


def split_honorific(text: str) -> tuple[str, str]:
    """("Ambassador", "Jane Doe") for "Ambassador Jane Doe"; ("", text) without one."""
    tokens = text.split()
    if len(tokens) > 2 and fold(tokens[0]) in HONORIFICS:
        return tokens[0], " ".join(tokens[1:])
    return "", text


def looks_like_name(text: str, *, min_tokens: int = 2) -> bool:
    """Whether `text` is a person's full name: two to five name tokens ending in a surname."""
    tokens = split_honorific(text.strip())[1].split()
    return (
        min_tokens <= len(tokens) <= 5
        and all(is_name_token(t) for t in tokens)
        and tokens[0][0].isupper()
        and _is_surname_token(tokens[-1])
    )


def trailing_name(text: str) -> tuple[str, str]:
    """Split "OSCE Secretary General Jane Doe" into ("OSCE Secretary General", "Jane Doe").

    The name is the longest run of name tokens (at most five) closing the text, after a title
    word; ("", "") when the text does not end in one.
    """
    tokens = text.split()
    start = len(tokens)
    while start > 0 and len(tokens) - start < 5 and is_name_token(tokens[start - 1]):
        start -= 1
    while start < len(tokens) and not tokens[start][0].isupper():
        start += 1  # a name does not open with a lower-case particle
    name_tokens = tokens[start:]
    if not name_tokens or not _is_surname_token(name_tokens[-1]):
        return "", ""
    if start and tokens[start - 1][0].islower():
        return "", ""  # "… Presence in Albania", "… Minister of Bosnia and Herzegovina": a place
    return " ".join(tokens[:start]), " ".join(name_tokens)


def leading_name(text: str) -> str:
    """The name opening `text` ("Jane Doe" in "Jane Doe at the opening"); "" when the text
    does not open with a name of two tokens or more."""
    tokens = text.split()
    end = 0
    while end < len(tokens) and end < 5 and is_name_token(tokens[end]):
        end += 1
    while end > 0 and not _is_surname_token(tokens[end - 1]):
        end -= 1
    candidate = " ".join(tokens[:end])
    return candidate if looks_like_name(candidate) else ""


def person_key(name: str) -> str:
    """The key people are matched by: folded, without honorifics or middle initials, so
    "Bruce G. Berton" and "Bruce Berton" (and "Mektić"/"Mektic") match."""
    tokens = fold(split_honorific(name)[1]).split()
    kept = [t for t in tokens if len(t) > 1]
    return " ".join(kept or tokens)
