"""The reader's query syntax: how it parses, and that no string whatsoever makes a search fail,
on the parser, on SQLite FTS5 and on whichever database the suite runs against."""

import datetime
import sqlite3

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pressreleases.models import PressRelease, Quote
from pressreleases.search import parse_query, search_quotes, search_releases
from pressreleases.search.query import MAX_ATOMS, MAX_WORD_LENGTH, Clause, Phrase, Term
from pressreleases.search.sqlite import TOKENIZER, match_expression
from pressreleases.search.text import html_to_text, is_stop_word, russian_stem, split_words
from tests.factories import PersonFactory, PressReleaseFactory, QuoteFactory

OPERATORS = [
    '"', "“", "»", "-", "--", "OR", "AND", "NOT", "NEAR", "NEAR(", "*", "^", ":", "title:", "(",
    ")", "'", ";", "\\", "\x00", "&", "|", "!", "!!", "<->", ":*", "/*", "%", "_", "{", "}", "+",
    "'; DROP TABLE pressreleases_pressrelease; --", "\ue000", "\u202e", "\ud800",
]  # fmt: skip
WORDS = ["smuggling", "Mektić", "выборов", "rule", "law", "the", "traff", "ODIHR", "co-operation"]
pieces = st.one_of(st.text(), st.sampled_from(OPERATORS), st.sampled_from(WORDS))
queries = st.one_of(
    st.text(),
    st.lists(pieces, max_size=12).map(" ".join),
    st.lists(pieces, max_size=12).map("".join),
)


# Parsing


def test_words_phrases_exclusions_and_or_parse_into_clauses():
    assert parse_query('arms "rule of law" -police Kazakhstan OR Kyrgyzstan').clauses == (
        Clause((Term("arms"),)),
        Clause((Phrase(("rule", "of", "law")),)),
        Clause((Term("police"),), excluded=True),
        Clause((Term("kazakhstan"), Term("kyrgyzstan", prefix=True))),
    )


def test_excluded_phrase_and_unbalanced_quote():
    assert parse_query('-"small arms" "rule of').clauses == (
        Clause((Phrase(("small", "arms")),), excluded=True),
        Clause((Term("rule", exact=True),)),
    )


def test_or_next_to_an_exclusion_is_ignored():
    assert parse_query("-police OR border").clauses == (
        Clause((Term("police"),), excluded=True),
        Clause((Term("border", prefix=True),)),
    )


def test_only_a_last_bare_word_of_three_letters_or_more_is_a_prefix():
    assert parse_query("traff").clauses == (Clause((Term("traff", prefix=True),)),)
    assert parse_query("traff ").clauses == (Clause((Term("traff"),)),)
    assert parse_query("un").clauses == (Clause((Term("un"),)),)
    assert parse_query('"traff"').clauses == (Clause((Term("traff", exact=True),)),)


def test_inner_punctuation_makes_a_phrase_and_trailing_stop_words_go():
    assert parse_query("co-operation").clauses == (Clause((Phrase(("co", "operation")),)),)
    assert parse_query("OSCE's").clauses == (Clause((Term("osce", exact=True),)),)


def test_stop_words_outside_phrases_are_dropped():
    assert parse_query("the rule of law").clauses == (
        Clause((Term("rule"),)),
        Clause((Term("law", prefix=True),)),
    )
    assert parse_query("the of thé").is_empty
    assert is_stop_word("Thé")
    assert is_stop_word("между")


def test_agent_nouns_and_verbs_search_each_other():
    assert Term("smugglers").family == ("smuggling",)
    assert Term("trafficker").family == ("trafficking",)
    assert Term("smuggling").family == ("smuggler",)
    assert Term("water").family == ()
    assert Term("smugglers", exact=True).family == ()
    assert Term("выборов").family == ()


def test_query_is_cut_to_a_bounded_size():
    parsed = parse_query(" ".join(f"word{n}" for n in range(500)))
    assert sum(len(c.atoms) for c in parsed.clauses) == MAX_ATOMS
    assert parse_query("x" * (MAX_WORD_LENGTH + 1)).is_empty


def test_russian_stemmer_matches_snowball():
    stems = {w: russian_stem(w) for w in ["выборов", "выборах", "выборы", "голосования", "новая"]}
    assert stems == {
        "выборов": "выбор",
        "выборах": "выбор",
        "выборы": "выбор",
        "голосования": "голосован",
        "новая": "нов",
    }


def test_body_html_becomes_plain_text():
    html = "<p>One &amp; <b>tw</b>o</p><p>three<br>four</p><script>x()</script>"
    assert html_to_text(html) == "One & two three four"


def test_fts5_expression_quotes_every_word():
    expression = match_expression(parse_query('smugglers "rule of law" выборов -NEAR('))
    assert expression == (
        '(("smugglers" OR "smuggling") AND ("rule" + "of" + "law") AND ("выбор"*)) NOT ("near")'
    )


# Never an error


@settings(max_examples=300, deadline=None)
@given(text=queries)
def test_parser_accepts_any_string_and_keeps_words_clean(text):
    for clause in parse_query(text).clauses:
        for atom in clause.atoms:
            words = atom.words if isinstance(atom, Phrase) else (atom.word, *atom.family)
            for word in words:
                assert split_words(word) == [word]
                assert len(word) <= MAX_WORD_LENGTH + 3


@settings(max_examples=300, deadline=None)
@given(text=queries)
def test_fts5_accepts_every_rendered_query(text):
    parsed = parse_query(text)
    if not parsed.included:
        return
    database = sqlite3.connect(":memory:")
    database.execute(f"CREATE VIRTUAL TABLE t USING fts5(a, tokenize = '{TOKENIZER}')")
    database.execute("INSERT INTO t (a) VALUES ('smuggling rule of law выборах')")
    database.execute("SELECT rowid FROM t WHERE t MATCH ?", [match_expression(parsed)]).fetchall()


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        published = timezone.now() - datetime.timedelta(days=1)
        quoted = PressReleaseFactory(
            title="Customs officers discuss smuggling",
            body="<p>The rule of law &amp; <b>co-operation</b> with Judge Mektić.</p>",
            publish_at=published,
        )
        PressReleaseFactory(
            title="Наблюдатели о выборах",
            lead="Выборы прошли спокойно.",
            language=PressRelease.Language.RUSSIAN,
            publish_at=published,
        )
        QuoteFactory(release=quoted, speaker=PersonFactory(full_name="Amira Hadžić"))
        yield
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=queries)
def test_any_query_string_gives_a_normal_result_on_the_database(corpus, text):
    with transaction.atomic():
        releases = search_releases(PressRelease.objects.public(), text)
        found = list(releases[:5])
        assert releases.count() >= len(found)
        assert all(isinstance(r.search_snippet, str) for r in found)
        quotes = list(search_quotes(Quote.objects.all(), text)[:5])
        assert all(isinstance(q.search_snippet, str) for q in quotes)
