"""Speaker and organisation pages and their indexes: what they show, that only public quotes
appear, the 404 rule (a page exists only with at least one public quote), pagination and
query budgets."""

import datetime
import re
import zoneinfo
from html import unescape
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pressreleases.models import Organisation, PressRelease
from pressreleases.views import people
from pressreleases.views.people import OrganisationListView, PersonListView
from taxonomy.models import Country, Structure
from tests.factories import (
    AppointmentFactory,
    OrganisationFactory,
    PersonFactory,
    PressReleaseFactory,
    QuoteFactory,
)
from tests.helpers import at

pytestmark = pytest.mark.django_db

Status = PressRelease.Status
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _Finder(HTMLParser):
    """Collects the outer HTML of every `tag` element (with `cls` among its classes)."""

    def __init__(self, html: str, tag: str, cls: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.html, self.tag, self.cls = html, tag, cls
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.open: list[tuple[int, int]] = []  # (start offset, depth of same-name tags)
        self.found: list[str] = []

    def position(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag != self.tag or tag in VOID:
            if tag == self.tag and self.matches(attrs):
                start = self.position()
                self.found.append(self.html[start : start + len(self.get_starttag_text())])
            return
        self.open = [(start, depth + 1) for start, depth in self.open]
        if self.matches(attrs):
            self.open.append((self.position(), 1))

    def handle_endtag(self, tag: str) -> None:
        if tag != self.tag:
            return
        end = self.html.index(">", self.position()) + 1
        still_open = []
        for start, depth in self.open:
            if depth == 1:
                self.found.append(self.html[start:end])
            else:
                still_open.append((start, depth - 1))
        self.open = still_open

    def matches(self, attrs: list) -> bool:
        classes = (dict(attrs).get("class") or "").split()
        return self.cls is None or self.cls in classes


def elements(html: str, tag: str, cls: str | None = None) -> list[str]:
    """The outer HTML of each `<tag>` (with class `cls`), in document order of their ends."""
    finder = _Finder(html, tag, cls)
    finder.feed(html)
    return finder.found


def text(fragment: str) -> str:
    """What a reader sees of an HTML fragment: tags dropped, whitespace collapsed."""
    words = " ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
    return re.sub(r" ([,.:;])", r"\1", words)


def texts(html: str, tag: str, cls: str | None = None) -> list[str]:
    return [text(fragment) for fragment in elements(html, tag, cls)]


def links(fragment: str) -> list[tuple[str, str]]:
    """(href, text) of each link in a fragment."""
    return [(unescape(href), text(label)) for href, label in _LINK.findall(fragment)]


_LINK = re.compile(r'<a [^>]*?href="([^"]*)"[^>]*>(.*?)</a>', re.S)


def section(html: str, heading_id: str) -> str:
    """The <section> labelled by the heading with id `heading_id`."""
    return next(s for s in elements(html, "section") if f'aria-labelledby="{heading_id}"' in s)


def in_vienna():
    """The site's time zone, whatever TIME_ZONE the environment sets: dates below are shown
    in it."""
    return timezone.override(zoneinfo.ZoneInfo("Europe/Vienna"))


@pytest.fixture(autouse=True)
def _in_vienna():
    with in_vienna():
        yield


def hidden_release(state: str) -> PressRelease:
    """A release the public cannot see, in `state`."""
    if state == "draft":
        return PressReleaseFactory(status=Status.DRAFT, publish_at=None)
    if state == "scheduled":
        return PressReleaseFactory(publish_at=timezone.now() + datetime.timedelta(hours=1))
    return PressReleaseFactory(status=Status.WITHDRAWN, withdrawal_reason="Issued in error.")


HIDDEN_STATES = ["draft", "scheduled", "withdrawn"]


def count_queries(client, settings, url: str) -> int:
    """The queries of rendering `url`, with the per-process caches every page shares (site
    navigation, publication clock) warm and no stored copy of the page."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def novak():
    """A speaker with a career in two organisations, quoted publicly twice and in releases the
    public cannot see three more times."""
    person = PersonFactory(
        full_name="Jana Novak",
        slug="jana-novak",
        honorific="Ambassador",
        bio="A diplomat since 2005.\n\nPreviously a judge.",
        portrait="people/jana-novak.jpg",
    )
    mission = OrganisationFactory(name="OSCE Mission to Skopje", slug="mission-to-skopje")
    ministry = OrganisationFactory(name="Ministry of Justice", slug="ministry-of-justice")
    adviser = AppointmentFactory(
        person=person,
        title="Legal Adviser",
        organisation=ministry,
        start_date=datetime.date(2010, 1, 4),
        end_date=datetime.date(2016, 2, 28),
    )
    deputy = AppointmentFactory(
        person=person,
        title="Deputy Head of the OSCE Mission to Skopje",
        organisation=mission,
        start_date=datetime.date(2016, 3, 1),
        end_date=datetime.date(2019, 8, 31),
    )
    head = AppointmentFactory(
        person=person,
        title="Head of the OSCE Mission to Skopje",
        organisation=mission,
        start_date=datetime.date(2019, 9, 1),
        end_date=None,
    )
    AppointmentFactory(
        person=person,
        title="Special Envoy on Water",
        organisation=None,
        start_date=timezone.localdate() + datetime.timedelta(days=30),
    )
    older = PressReleaseFactory(
        title="Border mentors finish their work", slug="border-mentors", publish_at=at(2018, 5, 4)
    )
    newer = PressReleaseFactory(
        title="A new school year opens", slug="school-year", publish_at=at(2021, 9, 1, 8)
    )
    QuoteFactory(release=older, speaker=person, appointment=deputy, text="Borders are safer.")
    QuoteFactory(release=newer, speaker=person, appointment=head, text="Every child counts.")
    for state in HIDDEN_STATES:
        QuoteFactory(
            release=hidden_release(state), speaker=person, appointment=head, text=f"Not {state}."
        )
    return {"person": person, "mission": mission, "ministry": ministry, "adviser": adviser}


# ---- Speaker page --------------------------------------------------------------------------


def test_speaker_page_shows_name_honorific_bio_and_appointments_over_time(client, novak):
    response = client.get("/speakers/jana-novak/")

    assert response.status_code == 200
    html = response.content.decode()
    assert texts(html, "h1") == ["Ambassador Jana Novak"]
    assert elements(html, "img", "person__portrait") == [
        '<img class="person__portrait" src="/media/people/jana-novak.jpg" '
        'alt="Portrait of Jana Novak">'
    ]
    assert texts(html, "div", "person__bio") == ["A diplomat since 2005. Previously a judge."]
    appointments = section(html, "appointments-heading")
    # Newest first; "present" while it lasts; the future appointment is not shown yet; the
    # ministry has no public quote, so no page to link to.
    assert texts(appointments, "li") == [
        "Head of the OSCE Mission to Skopje, OSCE Mission to Skopje 1 September 2019 – present",
        "Deputy Head of the OSCE Mission to Skopje, OSCE Mission to Skopje "
        "1 March 2016 – 31 August 2019",
        "Legal Adviser, Ministry of Justice 4 January 2010 – 28 February 2016",
    ]
    assert links(appointments) == [
        ("/organisations/mission-to-skopje/", "OSCE Mission to Skopje"),
        ("/organisations/mission-to-skopje/", "OSCE Mission to Skopje"),
    ]
    assert "Special Envoy on Water" not in html
    assert texts(html, "title") == ["Jana Novak | OSCE Newsroom"]


def test_speaker_page_lists_public_quotes_newest_first_with_the_role_held_then(client, novak):
    html = client.get("/speakers/jana-novak/").content.decode()

    quotes = section(html, "quotes-heading")
    assert texts(quotes, "figure", "quote-card") == [
        "Every child counts. Head of the OSCE Mission to Skopje "
        "A new school year opens, 1 September 2021",
        "Borders are safer. Deputy Head of the OSCE Mission to Skopje "
        "Border mentors finish their work, 4 May 2018",
    ]
    assert [links(cite) for cite in elements(quotes, "cite")] == [
        [("/press-releases/school-year/", "A new school year opens")],
        [("/press-releases/border-mentors/", "Border mentors finish their work")],
    ]
    assert texts(quotes, "p", "result-count") == ["2 quotes in public releases, newest first."]
    assert len(elements(quotes, "blockquote")) == 2


def test_speaker_page_never_shows_quotes_the_public_cannot_see(client, novak):
    html = client.get("/speakers/jana-novak/").content.decode()

    for state in HIDDEN_STATES:
        assert f"Not {state}." not in html


def test_speaker_page_links_the_filtered_listing_its_feed_and_the_quotes(client, novak):
    html = client.get("/speakers/jana-novak/").content.decode()

    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'title="Press releases quoting Jana Novak (Atom)" '
        'href="/press-releases/feed/atom/?speaker=jana-novak">'
    ) in html
    assert (
        '<link rel="alternate" type="application/rss+xml" '
        'title="Press releases quoting Jana Novak (RSS)" '
        'href="/press-releases/feed/rss/?speaker=jana-novak">'
    ) in html
    assert links(elements(html, "ul", "follow-links")[0]) == [
        ("/press-releases/?speaker=jana-novak", "All press releases quoting Jana Novak"),
        ("/quotes/?speaker=jana-novak", "Search these quotes"),
        ("/press-releases/feed/atom/?speaker=jana-novak", "Atom feed"),
    ]


def test_speaker_page_has_one_h1_and_headings_in_order(client, novak):
    html = client.get("/speakers/jana-novak/").content.decode()

    assert re.findall(r"<h([1-6])", html) == ["1", "2", "2"]


@pytest.mark.parametrize("state", [*HIDDEN_STATES, "never quoted"])
def test_a_person_without_a_public_quote_has_no_page(client, state):
    person = PersonFactory(slug="only-in-drafts")
    AppointmentFactory(person=person, title="Adviser")
    if state != "never quoted":
        QuoteFactory(release=hidden_release(state), speaker=person)

    assert client.get("/speakers/only-in-drafts/").status_code == 404
    assert "only-in-drafts" not in client.get("/speakers/").content.decode()


def test_a_speaker_page_appears_when_the_release_becomes_public(client, monkeypatch):
    release = PressReleaseFactory(publish_at=timezone.now() + datetime.timedelta(hours=1))
    QuoteFactory(release=release, speaker=PersonFactory(slug="soon-quoted"))
    assert client.get("/speakers/soon-quoted/").status_code == 404

    later = timezone.now() + datetime.timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert client.get("/speakers/soon-quoted/").status_code == 200


def test_an_unknown_speaker_is_404(client):
    assert client.get("/speakers/nobody/").status_code == 404


def quoted_many_times(count: int, slug: str = "prolific"):
    person = PersonFactory(slug=slug)
    appointment = AppointmentFactory(person=person, organisation=OrganisationFactory())
    start = at(2020, 1, 1)
    for n in range(count):
        QuoteFactory(
            release=PressReleaseFactory(publish_at=start + datetime.timedelta(days=n)),
            speaker=person,
            appointment=appointment,
            text=f"Quote number {n}.",
        )
    return person


def test_speaker_quotes_come_twenty_to_a_page(client):
    quoted_many_times(25)

    first = client.get("/speakers/prolific/").content.decode()
    second = client.get("/speakers/prolific/?page=2").content.decode()

    first_quotes = texts(first, "blockquote")
    assert first_quotes == [f"Quote number {n}." for n in range(24, 4, -1)]
    assert texts(second, "blockquote") == [f"Quote number {n}." for n in range(4, -1, -1)]
    assert links(elements(first, "nav", "pagination")[0]) == [
        ("?page=2", "Page 2"),
        ("?page=2", "Next page"),
    ]
    assert links(elements(second, "nav", "pagination")[0]) == [
        ("?page=1", "Previous page"),
        ("?page=1", "Page 1"),
    ]


@pytest.mark.parametrize("number", ["abc", "0", "-1", "3", "1.5", "9" * 30, "9" * 5000])
def test_a_page_number_that_does_not_exist_is_404(client, monkeypatch, number):
    monkeypatch.setattr(people, "QUOTES_PER_PAGE", 1)
    quoted_many_times(2)
    assert client.get("/speakers/prolific/?page=2").status_code == 200

    assert client.get(f"/speakers/prolific/?page={number}").status_code == 404


@pytest.mark.parametrize("quotes", [2, 30])
def test_speaker_page_query_budget_is_fixed(client, settings, quotes):
    quoted_many_times(quotes)

    # The person, their appointments, the number of quotes, one page of quotes (its ids in
    # order, then its rows).
    assert count_queries(client, settings, "/speakers/prolific/") == 5


# ---- Speaker index -------------------------------------------------------------------------


def test_speaker_index_lists_people_with_public_quotes_a_to_z_with_counts(client, novak):
    zoran = PersonFactory(full_name="Zoran Alić", slug="zoran-alic")
    aida = PersonFactory(full_name="Aida Berisha", slug="aida-berisha")
    QuoteFactory(speaker=zoran)
    twice = QuoteFactory(speaker=aida).release
    QuoteFactory(release=twice, speaker=aida)
    QuoteFactory(speaker=aida)
    for state in HIDDEN_STATES:
        QuoteFactory(release=hidden_release(state), speaker=aida)

    html = client.get("/speakers/").content.decode()

    assert texts(html, "h1") == ["Speakers"]
    index = elements(html, "ul", "index-list")[0]
    # Public releases quoting each, as the listing's speaker facet counts them.
    assert texts(index, "li") == [
        "Aida Berisha 2 releases",
        "Jana Novak 2 releases",
        "Zoran Alić 1 release",
    ]
    assert [href for href, _ in links(index)] == [
        "/speakers/aida-berisha/",
        "/speakers/jana-novak/",
        "/speakers/zoran-alic/",
    ]
    assert texts(html, "p", "result-count") == ["3 speakers"]


def test_speaker_index_is_paginated(client, monkeypatch):
    monkeypatch.setattr(PersonListView, "paginate_by", 2)
    for name in ["Ana", "Bo", "Cy"]:
        QuoteFactory(speaker=PersonFactory(full_name=name))

    second = client.get("/speakers/?page=2").content.decode()

    assert texts(elements(second, "ul", "index-list")[0], "a") == ["Cy"]
    assert client.get("/speakers/?page=3").status_code == 404
    assert client.get("/speakers/?page=x").status_code == 404


def test_speaker_index_without_speakers_says_so(client):
    html = client.get("/speakers/").content.decode()

    assert "No one has been quoted in a public release yet." in html


@pytest.mark.parametrize("speakers", [2, 30])
def test_speaker_index_query_budget_is_fixed(client, settings, speakers):
    for _ in range(speakers):
        QuoteFactory()

    # The public totals, the count, one page.
    assert count_queries(client, settings, "/speakers/") == 3


# ---- Organisation page ---------------------------------------------------------------------


@pytest.fixture
def mission(novak):
    """The mission of `novak`, with a quote attributed to it directly, one to another body, and
    a member of staff never quoted in public."""
    mission = novak["mission"]
    QuoteFactory(
        release=PressReleaseFactory(
            title="The mission marks its anniversary",
            slug="anniversary",
            publish_at=at(2022, 12, 9),
        ),
        speaker=None,
        organisation=mission,
        text="Thirty years of work.",
    )
    QuoteFactory(organisation=OrganisationFactory(), speaker=None, text="Someone else's words.")
    drafts_only = PersonFactory(full_name="Petra Hidden")
    AppointmentFactory(person=drafts_only, organisation=mission, title="Press Officer")
    QuoteFactory(release=hidden_release("draft"), speaker=drafts_only, text="Draft words.")
    return mission


def test_organisation_page_shows_its_facts(client, taxonomy, mission):
    mission.acronym = "MtS"
    mission.kind = Organisation.Kind.OSCE_STRUCTURE
    mission.country = Country.objects.get(slug="north-macedonia")
    mission.structure = Structure.objects.get(slug="mission-to-skopje")
    mission.website = "https://mission.example.org/"
    mission.save()

    response = client.get("/organisations/mission-to-skopje/")

    assert response.status_code == 200
    html = response.content.decode()
    assert texts(html, "h1") == ["OSCE Mission to Skopje"]
    facts = elements(html, "dl", "meta")[0]
    assert texts(facts, "dt") == ["Acronym", "Type", "Country", "OSCE structure", "Website"]
    assert texts(facts, "dd") == [
        "MtS",
        "OSCE structure",
        "North Macedonia",
        "OSCE Mission to Skopje",
        "https://mission.example.org/",
    ]
    assert [href for href, _ in links(facts)] == [
        mission.country.get_absolute_url(),
        mission.structure.get_absolute_url(),
        "https://mission.example.org/",
    ]


def test_organisation_page_lists_its_people_with_a_page_only(client, mission):
    html = client.get("/organisations/mission-to-skopje/").content.decode()

    people = section(html, "people-heading")
    assert texts(people, "li") == [
        "Jana Novak, Head of the OSCE Mission to Skopje 1 September 2019 – present",
        "Jana Novak, Deputy Head of the OSCE Mission to Skopje 1 March 2016 – 31 August 2019",
    ]
    assert "Petra Hidden" not in html


def test_organisation_page_lists_quotes_attributed_to_it_or_its_appointment_holders(
    client, mission
):
    html = client.get("/organisations/mission-to-skopje/").content.decode()

    quotes = section(html, "quotes-heading")
    assert texts(quotes, "figure", "quote-card") == [
        "Thirty years of work. OSCE Mission to Skopje "
        "The mission marks its anniversary, 9 December 2022",
        "Every child counts. Jana Novak, Head of the OSCE Mission to Skopje "
        "A new school year opens, 1 September 2021",
        "Borders are safer. Jana Novak, Deputy Head of the OSCE Mission to Skopje "
        "Border mentors finish their work, 4 May 2018",
    ]
    assert "Draft words." not in html
    assert "Not draft." not in html


def test_organisation_page_links_the_filtered_listing_and_its_feed(client, mission):
    html = client.get("/organisations/mission-to-skopje/").content.decode()

    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'title="Press releases quoting OSCE Mission to Skopje (Atom)" '
        'href="/press-releases/feed/atom/?organisation=mission-to-skopje">'
    ) in html
    assert links(elements(html, "ul", "follow-links")[0]) == [
        (
            "/press-releases/?organisation=mission-to-skopje",
            "All press releases quoting OSCE Mission to Skopje",
        ),
        ("/quotes/?organisation=mission-to-skopje", "Search these quotes"),
        ("/press-releases/feed/atom/?organisation=mission-to-skopje", "Atom feed"),
    ]
    assert re.findall(r"<h([1-6])", html) == ["1", "2", "2"]


@pytest.mark.parametrize("state", [*HIDDEN_STATES, "never quoted"])
def test_an_organisation_without_a_public_quote_has_no_page(client, state):
    organisation = OrganisationFactory(slug="quiet-body")
    if state != "never quoted":
        appointment = AppointmentFactory(organisation=organisation)
        QuoteFactory(
            release=hidden_release(state), speaker=appointment.person, appointment=appointment
        )

    assert client.get("/organisations/quiet-body/").status_code == 404
    assert "quiet-body" not in client.get("/organisations/").content.decode()


def test_an_unknown_organisation_is_404(client):
    assert client.get("/organisations/nothing-here/").status_code == 404


@pytest.mark.parametrize("quotes", [2, 30])
def test_organisation_page_query_budget_is_fixed(client, settings, quotes):
    person = quoted_many_times(quotes)
    slug = person.appointments.get().organisation.slug

    # The organisation, its people, the number of quotes, one page of quotes (its ids in
    # order, then its rows).
    assert count_queries(client, settings, f"/organisations/{slug}/") == 5


# ---- Organisation index --------------------------------------------------------------------


def test_organisation_index_lists_quoted_organisations_a_to_z_with_counts(client, novak):
    united = OrganisationFactory(
        name="United Nations", slug="un", acronym="UN", kind=Organisation.Kind.INTERGOVERNMENTAL
    )
    QuoteFactory(speaker=None, organisation=united)
    AppointmentFactory(organisation=OrganisationFactory(slug="appointed-only"))

    html = client.get("/organisations/").content.decode()

    assert texts(html, "h1") == ["Organisations"]
    index = elements(html, "ul", "index-list")[0]
    assert texts(index, "li") == [
        "OSCE Mission to Skopje 2 releases Intergovernmental organisation",
        "United Nations (UN) 1 release Intergovernmental organisation",
    ]
    assert [href for href, _ in links(index)] == [
        "/organisations/mission-to-skopje/",
        "/organisations/un/",
    ]


def test_organisation_index_counts_each_release_once_however_it_names_the_organisation(
    client,
):
    office = OrganisationFactory(name="Election Office", slug="election-office")
    other = OrganisationFactory(name="Other Body", slug="other-body")
    adviser = AppointmentFactory(organisation=office)
    # Named directly and through the speaker's role: one release, counted once.
    QuoteFactory(speaker=adviser.person, appointment=adviser, organisation=office)
    # In the role with the office, naming another body: it counts for both.
    QuoteFactory(speaker=adviser.person, appointment=adviser, organisation=other)
    # Two quotes naming it in one release: counted once.
    both = QuoteFactory(speaker=None, organisation=office).release
    QuoteFactory(release=both, speaker=None, organisation=office)

    index = elements(client.get("/organisations/").content.decode(), "ul", "index-list")[0]

    assert [item.split(" release")[0] for item in texts(index, "li")] == [
        "Election Office 3",
        "Other Body 1",
    ]


def test_organisation_index_is_paginated(client, monkeypatch):
    monkeypatch.setattr(OrganisationListView, "paginate_by", 1)
    QuoteFactory(speaker=None, organisation=OrganisationFactory(name="Alpha"))
    QuoteFactory(speaker=None, organisation=OrganisationFactory(name="Beta"))

    second = client.get("/organisations/?page=2").content.decode()

    assert texts(elements(second, "ul", "index-list")[0], "a") == ["Beta"]
    assert client.get("/organisations/?page=3").status_code == 404


@pytest.mark.parametrize("organisations", [2, 30])
def test_organisation_index_query_budget_is_fixed(client, settings, organisations):
    for _ in range(organisations):
        QuoteFactory(speaker=None, organisation=OrganisationFactory())

    # The public totals, the count, one page.
    assert count_queries(client, settings, "/organisations/") == 3


# ---- Links from a release's page -----------------------------------------------------------


def test_a_public_release_links_each_speaker_to_their_page(client, novak):
    html = client.get("/press-releases/school-year/").content.decode()

    figure = elements(html, "figure", "quote")[0]
    assert links(figure) == [("/speakers/jana-novak/", "Jana Novak")]


def test_a_withdrawn_release_does_not_link_its_speakers(client):
    release = hidden_release("withdrawn")
    QuoteFactory(release=release, speaker=PersonFactory(full_name="Only Withdrawn"))

    html = client.get(release.get_absolute_url()).content.decode()

    figure = elements(html, "figure", "quote")[0]
    assert links(figure) == []
    assert "Only Withdrawn" in text(figure)


# ---- HTTP caching --------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/speakers/", "/speakers/jana-novak/", "/organisations/"])
def test_people_pages_answer_conditional_requests_with_304(client, novak, url):
    etag = client.get(url).headers["ETag"]

    assert client.get(url, headers={"if-none-match": etag}).status_code == 304


def test_a_withdrawn_release_removes_its_quotes_from_a_cached_speaker_page(client, novak):
    assert "Every child counts." in client.get("/speakers/jana-novak/").content.decode()
    release = PressRelease.objects.get(slug="school-year")
    release.status = Status.WITHDRAWN
    release.withdrawal_reason = "Wrong date."
    release.save()

    assert "Every child counts." not in client.get("/speakers/jana-novak/").content.decode()
