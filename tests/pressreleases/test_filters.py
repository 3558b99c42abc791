"""The listing's filters: what each parameter matches, how values and facets combine, and how
bad input is reported instead of raised."""

import zoneinfo

import pytest
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from pressreleases.filters import (
    Chip,
    ReleaseFilterSet,
    StructureTree,
    Term,
    active_filters,
    clear_all_query,
)
from pressreleases.models import PressRelease
from taxonomy.loading import load_file
from taxonomy.models import MeetingSeries
from tests.factories import (
    AppointmentFactory,
    OrganisationFactory,
    PersonFactory,
    PressReleaseFactory,
    QuoteFactory,
)
from tests.helpers import at, country, field, structure

pytestmark = pytest.mark.django_db


def filtered(query: str) -> ReleaseFilterSet:
    return ReleaseFilterSet(QueryDict(query))


def titles(query: str) -> set[str]:
    return {release.title for release in filtered(query).qs}


@pytest.fixture(scope="module", autouse=True)
def corpus(django_db_setup, django_db_blocker):
    """The taxonomy, five public releases and three hidden ones that carry every value the
    public ones do; built once for the module (each test still runs in its own savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_file()
        build_corpus()
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def in_vienna():
    """The site's time zone, whatever TIME_ZONE the environment sets."""
    with timezone.override(zoneinfo.ZoneInfo("Europe/Vienna")):
        yield


def build_corpus():
    police_unit = structure("strategic-police-matters-unit")
    spokesperson = PersonFactory(full_name="Ana Example", slug="ana-example")
    envoy = PersonFactory(full_name="Boris Sample", slug="boris-sample")
    ministry = OrganisationFactory(name="Ministry of the Interior", slug="ministry")
    agency = OrganisationFactory(name="Border Agency", slug="agency")
    envoy_role = AppointmentFactory(person=envoy, organisation=ministry)

    PressReleaseFactory(
        title="migration",
        publish_at=at(2020, 3, 5, 10),
        fields_of_work=[field("migration")],
        countries=[country("austria")],
        sources=[structure("secretariat")],
    )
    youth = PressReleaseFactory(
        title="youth",
        content_type=PressRelease.ContentType.NEWS,
        language=PressRelease.Language.SERBIAN,
        publish_at=at(2021, 6, 1, 10),
        fields_of_work=[field("youth")],
        countries=[country("serbia")],
        sources=[structure("mission-to-serbia")],
    )
    police = PressReleaseFactory(
        title="police",
        publish_at=at(2021, 7, 1, 10),
        fields_of_work=[field("policing")],
        countries=[country("serbia")],
        sources=[police_unit],
    )
    police.meeting_series.set([MeetingSeries.objects.get(slug="ministerial-council-meetings")])
    both = PressReleaseFactory(
        title="both",
        content_type=PressRelease.ContentType.STATEMENT,
        publish_at=at(2022, 1, 10, 10),
        fields_of_work=[field("migration"), field("youth")],
        countries=[country("austria"), country("serbia")],
        sources=[structure("transnational-threats-department")],
    )
    speech = PressReleaseFactory(
        title="speech",
        content_type=PressRelease.ContentType.SPEECH,
        publish_at=at(2022, 5, 5, 10),
        sources=[structure("conflict-prevention-centre")],
    )
    QuoteFactory(release=speech, speaker=spokesperson)
    QuoteFactory(release=both, speaker=envoy, appointment=envoy_role)
    QuoteFactory(release=youth, speaker=None, organisation=agency)
    speech.tags.add("border security")
    youth.tags.add("border security", "schools")

    hidden = {
        "fields_of_work": [field("migration"), field("youth"), field("policing")],
        "countries": [country("austria"), country("serbia")],
        "sources": [structure("secretariat"), police_unit],
        "content_type": PressRelease.ContentType.SPEECH,
        "publish_at": at(2022, 5, 5, 10),
    }
    draft = PressReleaseFactory(title="draft", status=PressRelease.Status.DRAFT, **hidden)
    scheduled = PressReleaseFactory(
        title="scheduled", **{**hidden, "publish_at": at(2099, 1, 1, 10)}
    )
    withdrawn = PressReleaseFactory(
        title="withdrawn",
        status=PressRelease.Status.WITHDRAWN,
        withdrawal_reason="Published in error.",
        **hidden,
    )
    for release in (draft, scheduled, withdrawn):
        QuoteFactory(release=release, speaker=spokesperson)
        QuoteFactory(release=release, speaker=envoy, appointment=envoy_role)
        QuoteFactory(release=release, speaker=None, organisation=agency)
        release.tags.add("border security", "schools")
        release.meeting_series.set(police.meeting_series.all())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"migration", "youth", "police", "both", "speech"}),
        ("type=news", {"youth"}),
        ("field=migration", {"migration", "both"}),
        ("country=serbia", {"youth", "police", "both"}),
        ("structure=mission-to-serbia", {"youth"}),
        ("meeting=ministerial-council-meetings", {"police"}),
        ("speaker=ana-example", {"speech"}),
        ("tag=border-security", {"speech", "youth"}),
        ("tag=schools", {"youth"}),
        ("language=sr", {"youth"}),
        ("year=2021", {"youth", "police"}),
        ("from=2021-06-01&to=2022-01-10", {"youth", "police", "both"}),
        ("from=2022-01-11", {"speech"}),
        ("to=2020-03-05", {"migration"}),
    ],
)
def test_each_filter_matches_only_its_public_releases(query, expected):
    assert titles(query) == expected


def test_several_values_of_one_facet_combine_with_or():
    assert titles("field=policing&field=youth") == {"youth", "police", "both"}
    assert titles("type=news&type=speech") == {"youth", "speech"}
    assert titles("year=2020&year=2022") == {"migration", "both", "speech"}


def test_facets_combine_with_and():
    assert titles("field=migration&country=serbia") == {"both"}
    assert titles("field=migration&field=youth&country=serbia&type=news") == {"youth"}
    assert titles("field=policing&speaker=ana-example") == set()


def test_a_parent_structure_includes_its_descendants_at_any_depth():
    assert titles("structure=secretariat") == {"migration", "police", "both", "speech"}
    assert titles("structure=transnational-threats-department") == {"police", "both"}
    assert titles("structure=strategic-police-matters-unit") == {"police"}
    assert titles("structure=strategic-police-matters-unit&structure=mission-to-serbia") == {
        "police",
        "youth",
    }


def test_organisation_matches_quotes_by_it_and_quotes_by_people_in_a_role_with_it():
    assert titles("organisation=agency") == {"youth"}
    assert titles("organisation=ministry") == {"both"}
    assert titles("organisation=agency&organisation=ministry") == {"youth", "both"}


def test_draft_scheduled_and_withdrawn_releases_never_match():
    hidden = {"draft", "scheduled", "withdrawn"}
    for query in [
        "",
        "field=policing",
        "structure=secretariat",
        "speaker=ana-example",
        "organisation=agency",
        "tag=schools",
        "meeting=ministerial-council-meetings",
        "type=speech&year=2022",
    ]:
        assert not titles(query) & hidden, query


def test_dates_are_days_in_vienna_and_inclusive_at_both_ends():
    # 23:30 UTC on 1 March is 00:30 on 2 March in Vienna. (The corpus's nearest release is on
    # 5 March.)
    PressReleaseFactory(title="late", publish_at=at(2020, 3, 1, 23, 30))
    PressReleaseFactory(title="early", publish_at=at(2020, 3, 1, 22, 59))
    PressReleaseFactory(title="next day", publish_at=at(2020, 3, 2, 23, 0))

    assert titles("from=2020-03-02&to=2020-03-04") == {"late", "next day"}
    assert titles("from=2020-01-01&to=2020-03-01") == {"early"}
    assert titles("from=2020-03-01&to=2020-03-01") == {"early"}
    assert titles("from=2020-03-02&to=2020-03-02") == {"late"}
    assert titles("from=2020-03-03&to=2020-03-03") == {"next day"}


def test_years_are_counted_in_vienna():
    PressReleaseFactory(title="new year", publish_at=at(2009, 12, 31, 23, 30))
    PressReleaseFactory(title="old year", publish_at=at(2009, 12, 31, 22, 30))

    assert titles("year=2010") == {"new year"}
    assert titles("year=2009") == {"old year"}


def test_the_listing_is_newest_first_with_ties_broken_by_id():
    same_time = at(2011, 1, 1, 9)
    first, second = PressReleaseFactory.create_batch(2, publish_at=same_time)
    latest = PressReleaseFactory(publish_at=at(2011, 1, 2, 9))

    assert list(filtered("year=2011").qs) == [latest, second, first]
    assert filtered("year=2011").sort_order == "newest"


@pytest.mark.parametrize(
    ("query", "param", "error"),
    [
        ("field=no-such-field", "field", "Unknown field of work: “no-such-field”."),
        (
            "structure=nowhere&structure=secretariat&structure=elsewhere",
            "structure",
            "Unknown structure: “nowhere”, “elsewhere”.",
        ),
        ("speaker=nobody", "speaker", "Unknown speaker: “nobody”."),
        ("tag=no-tag", "tag", "Unknown tag: “no-tag”."),
        ("type=poem", "type", "Unknown content type: “poem”."),
        ("language=xx", "language", "Unknown language: “xx”."),
        ("year=abc", "year", "A year is a number from 1900 to 2999, not “abc”."),
        ("year=99999", "year", "A year is a number from 1900 to 2999, not “99999”."),
        ("from=2017-13-45", "from", "Enter a date as YYYY-MM-DD, e.g. 2020-03-02."),
        ("to=yesterday", "to", "Enter a date as YYYY-MM-DD, e.g. 2020-03-02."),
        ("from=0001-01-01", "from", "Choose a date from 1900 to 2999."),
        ("to=9999-12-31", "to", "Choose a date from 1900 to 2999."),
        ("from=2021-01-02&to=2021-01-01", "to", "The end date is before the start date."),
        ("field=" + "x" * 121, "field", "That is not a value this filter knows."),
        ("country=aus%00tria", "country", "That is not a value this filter knows."),
        ("field=migration&" * 51, "field", "Choose at most 50 values."),
        ("year=2020&" * 999, "year", "Choose at most 50 values."),
        ("q=" + "a" * 501, "q", "Shorten the search to at most 500 characters."),
        ("sort=oldest", "sort", "Sort by newest or by relevance."),
        ("sort=relevance", "sort", "Sorting by relevance needs a search query."),
    ],
)
def test_bad_input_makes_the_form_invalid_and_the_parameter_ignored(query, param, error):
    filterset = filtered(query)

    assert not filterset.is_valid()
    assert filterset.errors == {param: [error]}
    assert {release.title for release in filterset.qs} == {
        "migration",
        "youth",
        "police",
        "both",
        "speech",
    }
    assert active_filters(filterset) == []


def test_valid_parameters_still_apply_next_to_invalid_ones():
    filterset = filtered("field=migration&country=atlantis&year=2022")

    assert list(filterset.errors) == ["country"]
    assert [release.title for release in filterset.qs] == ["both"]


def test_repeated_values_collapse_into_one():
    filterset = filtered("field=migration&field=migration&field=%20migration")

    assert filterset.is_valid()
    assert [term.slug for term in filterset.selected("field")] == ["migration"]
    assert {release.title for release in filterset.qs} == {"migration", "both"}


def test_an_unbound_filter_set_lists_everything_newest_first():
    filterset = ReleaseFilterSet()

    assert [release.title for release in filterset.qs] == [
        "speech",
        "both",
        "police",
        "youth",
        "migration",
    ]
    assert active_filters(filterset) == []


def test_the_filter_set_lists_public_releases_only():
    assert PressRelease.objects.count() == 8
    assert set(ReleaseFilterSet(QueryDict("")).qs) == set(PressRelease.objects.public())
    assert ReleaseFilterSet(QueryDict("")).qs.count() == 5


def test_chips_name_each_value_and_remove_only_it():
    query = (
        "field=migration&field=youth&structure=secretariat&type=news&language=sr"
        "&year=2021&from=2020-03-02&to=2022-12-31&speaker=ana-example&organisation=agency"
        "&tag=border-security&meeting=ministerial-council-meetings&country=serbia&page=3"
    )
    chips = active_filters(filtered(query))

    rest = (
        "field=migration&field=youth&structure=secretariat&type=news&language=sr&year=2021"
        "&from=2020-03-02&to=2022-12-31&speaker=ana-example&organisation=agency"
        "&tag=border-security&meeting=ministerial-council-meetings&country=serbia"
    )

    def without(part: str) -> str:
        return rest.replace(part, "").replace("&&", "&").strip("&")

    assert chips == [
        Chip("Content type: News", without("type=news")),
        Chip("Field of work: Migration", without("field=migration")),
        Chip("Field of work: Youth", without("field=youth")),
        Chip("Country: Serbia", without("country=serbia")),
        Chip("Structure: Secretariat", without("structure=secretariat")),
        Chip(
            "Meeting or conference: Ministerial Council meetings",
            without("meeting=ministerial-council-meetings"),
        ),
        Chip("Speaker: Ana Example", without("speaker=ana-example")),
        Chip("Organisation: Border Agency", without("organisation=agency")),
        Chip("Tag: border security", without("tag=border-security")),
        Chip("Language: Serbian", without("language=sr")),
        Chip("Year: 2021", without("year=2021")),
        Chip("From: 2 March 2020", without("from=2020-03-02")),
        Chip("To: 31 December 2022", without("to=2022-12-31")),
    ]


def test_a_chip_removes_every_spelling_of_its_value():
    chips = active_filters(filtered("year=2021&year=02021&field=policing"))

    assert chips == [
        Chip("Field of work: Policing", "year=2021&year=02021"),
        Chip("Year: 2021", "field=policing"),
    ]


def test_the_search_narrows_the_filtered_releases_best_match_first():
    in_body = PressReleaseFactory(
        title="Customs officers meet",
        body="<p>They compared notes on smuggling routes.</p>",
        publish_at=at(2012, 5, 1, 10),
        fields_of_work=[field("migration")],
    )
    in_title = PressReleaseFactory(
        title="Smuggling of migrants on the agenda",
        publish_at=at(2012, 1, 1, 10),
        fields_of_work=[field("border-management")],
    )

    assert list(filtered("q=smuggling").qs) == [in_title, in_body]
    assert list(filtered("q=smuggling&sort=relevance").qs) == [in_title, in_body]
    assert list(filtered("q=smuggling&sort=newest").qs) == [in_body, in_title]
    assert list(filtered("q=smuggling&field=migration").qs) == [in_body]
    assert list(filtered("q=smuggling&year=2011").qs) == []


def test_a_search_with_nothing_searchable_finds_nothing_without_error():
    filterset = filtered("q=%22%20-")

    assert filterset.is_valid()
    assert list(filterset.qs) == []


def test_the_search_is_a_chip_whose_removal_also_drops_the_relevance_sort():
    chips = active_filters(filtered("q=%20border%20police%20&sort=relevance&field=migration"))

    assert chips == [
        Chip("Field of work: Migration", "q=+border+police+&sort=relevance"),
        Chip("Search: “border police”", "field=migration"),
    ]


@pytest.mark.parametrize(
    ("query", "order"),
    [
        ("", "newest"),
        ("sort=newest", "newest"),
        ("q=border", "relevance"),
        ("q=border&sort=relevance", "relevance"),
        ("q=border&sort=newest", "newest"),
        ("q=%20%20", "newest"),
    ],
)
def test_relevance_is_the_default_order_when_searching(query, order):
    filterset = filtered(query)

    assert filterset.is_valid()
    assert filterset.sort_order == order


def test_clear_all_drops_filters_search_sort_and_page_but_keeps_foreign_parameters():
    filterset = filtered("field=migration&q=border&sort=newest&page=2&utm_source=mail&from=x")

    assert clear_all_query(filterset) == "utm_source=mail"


def test_structure_tree_walks_parents_first_and_survives_a_cycle():
    tree = StructureTree(
        [
            Term(1, "top", "Top", 2),
            Term(2, "b", "B", 1, parent_id=1),
            Term(3, "a", "A", 1, parent_id=1),
            Term(4, "leaf", "Leaf", 0, parent_id=3),
            Term(5, "first", "First", 1),
            Term(6, "loop-a", "Loop A", 0, parent_id=7),
            Term(7, "loop-b", "Loop B", 0, parent_id=6),
        ]
    )

    assert [(node.slug, depth) for node, depth in tree.walk()] == [
        ("first", 0),
        ("top", 0),
        ("a", 1),
        ("leaf", 2),
        ("b", 1),
    ]
    assert tree.subtree_ids(1) == {1, 2, 3, 4}
    assert tree.subtree_ids(6) == {6, 7}
