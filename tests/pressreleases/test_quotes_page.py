"""The quotes page: public quotes only, in a stable order, searched and filtered through
`QuoteFilterSet`, with bad parameters answered by a 400 page and bad page numbers by a 404."""

import datetime

import pytest
from django.db import transaction
from django.http import QueryDict

from pressreleases.models import Quote
from pressreleases.quote_filters import PlainSelect, QuoteFilterSet
from taxonomy.models import FieldOfWork
from tests.factories import (
    AppointmentFactory,
    OrganisationFactory,
    PersonFactory,
    PressReleaseFactory,
    QuoteFactory,
)
from tests.pressreleases.test_people_pages import (
    HIDDEN_STATES,
    at,
    count_queries,
    elements,
    hidden_release,
    in_vienna,
    links,
    section,
    text,
    texts,
)

pytestmark = pytest.mark.django_db

SCHOOL = "Every child counts in every classroom."
VOTERS = "Voters deserve accurate lists."
OFFICE = "The office welcomes the report."
NEW_YEAR = "A new year begins with old promises."
BORDERS = "Borders are safer when neighbours talk."
TRAINING = "Training never stops at the border."


@pytest.fixture(autouse=True)
def _in_vienna():
    with in_vienna():
        yield


@pytest.fixture(scope="module", autouse=True)
def corpus(django_db_setup, django_db_blocker):
    """Built once for the module (each test still runs in its own savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic(), in_vienna():
        build_corpus()
        yield
        transaction.set_rollback(True)


def build_corpus() -> None:
    """Six public quotes in four releases, one in each state the public cannot see, and a
    speaker quoted only in releases the public cannot see."""
    border, democracy, education, _ = [
        FieldOfWork.objects.create(slug=slug, name=name, order=order)
        for order, (slug, name) in enumerate(
            [
                ("border-management", "Border management"),
                ("democratization", "Democratization"),
                ("education", "Education"),
                ("youth", "Youth"),
            ]
        )
    ]
    mission = OrganisationFactory(name="OSCE Mission to Skopje", slug="mission-to-skopje")
    office = OrganisationFactory(name="Election Office", slug="election-office", acronym="EO")
    novak = PersonFactory(full_name="Jana Novak", slug="jana-novak")
    haddad = PersonFactory(full_name="Omar Haddad", slug="omar-haddad")
    deputy = AppointmentFactory(
        person=novak,
        title="Deputy Head of Mission",
        organisation=mission,
        start_date=datetime.date(2016, 3, 1),
        end_date=datetime.date(2019, 8, 31),
    )
    head = AppointmentFactory(
        person=novak,
        title="Head of Mission",
        organisation=mission,
        start_date=datetime.date(2019, 9, 1),
    )
    adviser = AppointmentFactory(
        person=haddad, title="Senior Adviser", organisation=office, start_date=None
    )

    def release(slug, title, when, fields):
        return PressReleaseFactory(slug=slug, title=title, publish_at=when, fields_of_work=fields)

    school = release("school-year", "A new school year opens", at(2021, 9, 1, 8), [education])
    report = release("report", "Observers publish their report", at(2021, 3, 10), [democracy])
    # 00:30 on 1 January 2021 in Vienna, the site's time zone: a 2021 quote.
    new_year = release("new-year", "Wishes for the new year", at(2020, 12, 31, 23, 30), [])
    mentors = release("border-mentors", "Border mentors finish", at(2018, 5, 4), [border])
    QuoteFactory(release=school, speaker=novak, appointment=head, text=SCHOOL, order=0)
    QuoteFactory(release=report, speaker=haddad, appointment=adviser, text=VOTERS, order=0)
    QuoteFactory(release=report, speaker=None, organisation=office, text=OFFICE, order=1)
    QuoteFactory(
        release=new_year,
        speaker=haddad,
        role_text="Independent expert",
        text=NEW_YEAR,
        order=0,
    )
    QuoteFactory(release=mentors, speaker=haddad, appointment=adviser, text=TRAINING, order=1)
    QuoteFactory(release=mentors, speaker=novak, appointment=deputy, text=BORDERS, order=0)
    hidden_speaker = PersonFactory(full_name="Petra Hidden", slug="petra-hidden")
    for state in HIDDEN_STATES:
        QuoteFactory(
            release=hidden_release(state),
            speaker=novak,
            appointment=head,
            text=f"Hidden border words, {state}.",
        )
    for state in HIDDEN_STATES:
        QuoteFactory(release=hidden_release(state), speaker=hidden_speaker, text=f"{state} only.")


def quote_texts(html: str) -> list[str]:
    return texts(html, "blockquote")


def options(html: str, name: str) -> list[str]:
    select = next(s for s in elements(html, "select") if f'name="{name}"' in s)
    return texts(select, "option")


# ---- What the page shows -------------------------------------------------------------------


def test_quotes_page_lists_public_quotes_newest_release_first_then_in_release_order(client):
    response = client.get("/quotes/")

    assert response.status_code == 200
    html = response.content.decode()
    assert quote_texts(html) == [SCHOOL, VOTERS, OFFICE, NEW_YEAR, BORDERS, TRAINING]
    assert texts(html, "h1") == ["Quotes"]
    assert texts(html, "h2") == ["6 quotes"]


def test_each_quote_shows_its_speaker_the_role_then_and_its_release(client):
    html = client.get("/quotes/").content.decode()

    figures = elements(section(html, "results-heading"), "figure", "quote-card")
    assert [text(figure) for figure in figures[1:4]] == [
        f"{VOTERS} Omar Haddad, Senior Adviser Observers publish their report, 10 March 2021",
        f"{OFFICE} Election Office Observers publish their report, 10 March 2021",
        f"{NEW_YEAR} Omar Haddad, Independent expert Wishes for the new year, 1 January 2021",
    ]
    assert links(figures[1]) == [
        ("/speakers/omar-haddad/", "Omar Haddad"),
        ("/press-releases/report/", "Observers publish their report"),
    ]
    assert links(figures[2])[0] == ("/organisations/election-office/", "Election Office")
    assert '<time datetime="2021-01-01T00:30:00+01:00">1 January 2021</time>' in figures[3]
    assert all("<blockquote" in figure and "<figcaption>" in figure for figure in figures)


def test_quotes_the_public_cannot_see_never_appear(client):
    html = client.get("/quotes/").content.decode()
    searched = client.get("/quotes/?q=hidden").content.decode()

    for state in HIDDEN_STATES:
        assert f"Hidden border words, {state}." not in html
    assert quote_texts(searched) == []


def test_the_filters_offer_what_the_public_quotes_have(client):
    html = client.get("/quotes/").content.decode()

    assert options(html, "speaker") == ["Any speaker", "Jana Novak", "Omar Haddad"]
    assert options(html, "organisation") == [
        "Any organisation",
        "Election Office (EO)",
        "OSCE Mission to Skopje",
    ]
    assert options(html, "field") == [
        "Any field of work",
        "Border management",
        "Democratization",
        "Education",
        "Youth",
    ]
    assert options(html, "year") == ["Any year", "2021", "2018"]


def test_a_year_is_offered_while_it_has_a_public_quote(client):
    Quote.objects.filter(text__in=[BORDERS, TRAINING]).delete()

    html = client.get("/quotes/").content.decode()

    assert options(html, "year") == ["Any year", "2021"]
    assert client.get("/quotes/?year=2018").status_code == 400


def test_every_form_control_is_labelled(client):
    html = client.get("/quotes/").content.decode()

    form = elements(html, "form", "quote-filters")[0]
    assert texts(form, "label") == [
        "Search the quotes",
        "Speaker",
        "Organisation",
        "Field of work",
        "Year",
    ]
    for control in ["q", "speaker", "organisation", "field", "year"]:
        assert f'<label for="id_{control}">' in form
        assert f'id="id_{control}"' in form


# ---- Filters -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("speaker=omar-haddad", [VOTERS, NEW_YEAR, TRAINING]),
        ("organisation=election-office", [VOTERS, OFFICE, TRAINING]),
        ("organisation=mission-to-skopje", [SCHOOL, BORDERS]),
        ("field=democratization", [VOTERS, OFFICE]),
        ("year=2021", [SCHOOL, VOTERS, OFFICE, NEW_YEAR]),
        ("year=2018", [BORDERS, TRAINING]),
        ("speaker=omar-haddad&year=2021", [VOTERS, NEW_YEAR]),
        ("field=border-management&speaker=jana-novak", [BORDERS]),
        ("speaker=nobody&speaker=jana-novak", [SCHOOL, BORDERS]),  # the last value counts
        (
            "speaker=&organisation=&field=&year=&q=",
            [SCHOOL, VOTERS, OFFICE, NEW_YEAR, BORDERS, TRAINING],
        ),
        ("unknown=parameter", [SCHOOL, VOTERS, OFFICE, NEW_YEAR, BORDERS, TRAINING]),
    ],
)
def test_filters_combine_with_and(client, query, expected):
    response = client.get(f"/quotes/?{query}")

    assert response.status_code == 200
    assert quote_texts(response.content.decode()) == expected


def test_a_filter_without_matches_says_so(client):
    html = client.get("/quotes/?field=youth").content.decode()

    assert quote_texts(html) == []
    assert texts(html, "h2") == ["0 quotes"]
    assert "No quotes match. Try fewer filters or other words." in html


def test_the_form_keeps_the_chosen_values(client):
    html = client.get("/quotes/?speaker=jana-novak&year=2018&q=border").content.decode()

    assert '<option value="jana-novak" selected>Jana Novak</option>' in html
    assert '<option value="2018" selected>2018</option>' in html
    assert 'value="border"' in elements(html, "input")[0]


def test_the_filter_set_is_declared_without_visibility_of_its_own():
    with pytest.raises(TypeError):
        QuoteFilterSet(QueryDict())


def test_the_filter_set_needs_no_distinct():
    filterset = QuoteFilterSet(
        QueryDict("organisation=election-office&field=democratization"),
        queryset=Quote.objects.public(),
    )

    assert not filterset.qs.query.distinct
    assert [quote.text for quote in filterset.qs] == [VOTERS, OFFICE]


# ---- Search --------------------------------------------------------------------------------


def test_search_finds_words_in_quotes_and_marks_them(client):
    html = client.get("/quotes/?q=classroom").content.decode()

    assert quote_texts(html) == [SCHOOL]
    assert "<p>Every child counts in every <mark>classroom</mark>.</p>" in html
    assert texts(html, "h2") == ["1 quote matching “classroom”"]


def test_search_finds_a_speaker_by_name(client):
    html = client.get("/quotes/?q=haddad").content.decode()

    assert sorted(quote_texts(html)) == sorted([VOTERS, NEW_YEAR, TRAINING])


def test_search_combines_with_the_filters(client):
    html = client.get("/quotes/?q=border&speaker=jana-novak").content.decode()

    assert quote_texts(html) == [BORDERS]


# ---- Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("speaker=nobody", "Speaker", "Unknown speaker: “nobody”."),
        ("speaker=petra-hidden", "Speaker", "Unknown speaker: “petra-hidden”."),
        ("organisation=nope", "Organisation", "Unknown organisation: “nope”."),
        ("field=nothing", "Field of work", "Unknown field of work: “nothing”."),
        ("year=1999", "Year", "Unknown year: “1999”."),
        ("year=twenty", "Year", "Unknown year: “twenty”."),
        ("speaker=" + "x" * 500, "Speaker", "That is not a value this filter knows."),
        ("organisation=%00", "Organisation", "That is not a value this filter knows."),
        (
            "q=" + "word " * 101,
            "Search the quotes",
            "Shorten the search to at most 500 characters.",
        ),
        ("q=%00", "Search the quotes", "Null characters are not allowed."),
    ],
)
def test_bad_parameters_get_a_400_page_naming_the_problem(client, query, field, message):
    response = client.get(f"/quotes/?{query}")

    assert response.status_code == 400
    html = response.content.decode()
    errors = elements(html, "div", "callout--error")[0]
    assert texts(errors, "h2") == ["Some filters could not be applied"]
    assert texts(errors, "li") == [f"{field}: {message}"]
    assert 'aria-invalid="true"' in html
    assert quote_texts(html) == []


def test_a_400_page_lists_every_bad_parameter(client):
    html = client.get("/quotes/?speaker=nobody&year=1999&field=education").content.decode()

    assert texts(elements(html, "div", "callout--error")[0], "li") == [
        "Speaker: Unknown speaker: “nobody”.",
        "Year: Unknown year: “1999”.",
    ]


@pytest.mark.parametrize("number", ["abc", "0", "-1", "2", "1.5", "9" * 5000])
def test_a_page_number_that_does_not_exist_is_404(client, number):
    assert client.get(f"/quotes/?page={number}").status_code == 404


def test_quotes_come_twenty_to_a_page_and_page_links_keep_the_filters(client):
    person = PersonFactory(slug="prolific")
    for n in range(25):
        QuoteFactory(
            release=PressReleaseFactory(publish_at=at(2020, 1, 1) + datetime.timedelta(days=n)),
            speaker=person,
            text=f"Quote number {n}.",
        )

    first = client.get("/quotes/?speaker=prolific").content.decode()
    second = client.get("/quotes/?speaker=prolific&page=2").content.decode()

    assert len(quote_texts(first)) == 20
    assert quote_texts(second) == [f"Quote number {n}." for n in range(4, -1, -1)]
    assert ("?speaker=prolific&page=2", "Next page") in links(
        elements(first, "nav", "pagination")[0]
    )


# ---- Query budget --------------------------------------------------------------------------


def many_quotes(count: int) -> None:
    field = FieldOfWork.objects.get(slug="education")
    person = PersonFactory(slug="prolific")
    organisation = OrganisationFactory(slug="busy-office")
    appointment = AppointmentFactory(person=person, organisation=organisation)
    for n in range(count):
        QuoteFactory(
            release=PressReleaseFactory(
                publish_at=at(2020, 6, 1) + datetime.timedelta(days=n), fields_of_work=[field]
            ),
            speaker=person,
            appointment=appointment,
            text=f"Schools matter, reason {n}.",
        )


@pytest.mark.parametrize("count", [2, 30])
def test_quotes_page_query_budget_is_fixed(client, settings, count):
    many_quotes(count)

    # The options: the public totals of speakers, organisations, numbers of quotes and years
    # with quotes, the speakers and organisations with releases, the fields of work. Then one
    # page of quotes: the totals give their number.
    assert count_queries(client, settings, "/quotes/") == 5
    # Filtered, the quotes are counted.
    filters = "speaker=prolific&organisation=busy-office&field=education&year=2020"
    assert count_queries(client, settings, f"/quotes/?{filters}") == 6
    # A search adds one for the page's highlighted snippets.
    assert count_queries(client, settings, "/quotes/?q=schools") == 7


def test_the_quotes_page_answers_conditional_requests_with_304(client):
    etag = client.get("/quotes/").headers["ETag"]

    assert client.get("/quotes/", headers={"if-none-match": etag}).status_code == 304


def test_a_plain_select_escapes_its_options_and_selects_the_chosen_one():
    select = PlainSelect(choices=[("", "Any speaker"), ("a&b", 'Ana "Bo" <Cy>'), ("c", "Cy")])

    html = select.render("speaker", "a&b", attrs={"id": "id_speaker", "aria-invalid": False})

    assert html == (
        '<select name="speaker" id="id_speaker">'
        '<option value="">Any speaker</option>'
        '<option value="a&amp;b" selected>Ana &quot;Bo&quot; &lt;Cy&gt;</option>'
        '<option value="c">Cy</option>'
        "</select>"
    )
    assert '<option value="" selected>' in select.render("speaker", None)


def test_the_number_of_all_quotes_is_that_of_public_quotes(client):
    public = PressReleaseFactory(publish_at=at(2020, 1, 1))
    QuoteFactory.create_batch(3, release=public)
    QuoteFactory(release=PressReleaseFactory(publish_at=at(2020, 2, 1)))
    for state in HIDDEN_STATES:
        QuoteFactory.create_batch(2, release=hidden_release(state))

    response = client.get("/quotes/")

    # The corpus's six and these four.
    assert response.context["page_obj"].paginator.count == 10
    assert "10 quotes" in texts(response.content.decode(), "h2")

    public.quotes.first().delete()
    assert client.get("/quotes/").context["page_obj"].paginator.count == 9
    assert client.get("/quotes/?year=2020").context["page_obj"].paginator.count == 3
