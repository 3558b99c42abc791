"""Facet counts: exact, disjunctive (each facet ignores its own selection), public releases only,
and a fixed number of queries whatever the number of releases."""

import datetime
import zoneinfo

import pytest
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from pressreleases.facets import TOP, Facet, FacetOption, facet_counts
from pressreleases.filters import ReleaseFilterSet
from pressreleases.idlists import listed_ids
from pressreleases.models import Appointment, Organisation, PressRelease
from taxonomy.loading import load_file
from taxonomy.models import FieldOfWork, MeetingSeries, Structure
from tests.factories import (
    AppointmentFactory,
    OrganisationFactory,
    PersonFactory,
    PressReleaseFactory,
    QuoteFactory,
)
from tests.helpers import at, country, field, structure

pytestmark = pytest.mark.django_db


def facets(query: str = "") -> dict[str, list[tuple]]:
    """Each facet as (value, count, selected) triples; structures add their depth."""
    filterset = ReleaseFilterSet(QueryDict(query))
    result = {}
    for facet in facet_counts(filterset):
        result[facet.param] = [
            (o.value, o.count, o.selected, o.depth)
            if facet.param == "structure"
            # Selection is the exception: spell it only where it is set.
            else (o.value, o.count, "selected")
            if o.selected
            else (o.value, o.count)
            for o in facet.options
        ]
    return result


@pytest.fixture(scope="module", autouse=True)
def corpus(django_db_setup, django_db_blocker):
    """The taxonomy and five public releases (A–E), plus hidden releases carrying values no
    public release has; built once for the module, each test runs in its own savepoint."""
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
    ana = PersonFactory(full_name="Ana Example", slug="ana")
    boris = PersonFactory(full_name="Boris Sample", slug="boris")
    ministry = OrganisationFactory(name="Ministry of the Interior", slug="ministry")
    agency = OrganisationFactory(name="Border Agency", slug="agency")
    boris_at_ministry = AppointmentFactory(person=boris, organisation=ministry)

    a = PressReleaseFactory(
        title="A",
        publish_at=at(2020, 3, 5, 10),
        fields_of_work=[field("migration")],
        countries=[country("austria")],
        sources=[structure("secretariat")],
    )
    b = PressReleaseFactory(
        title="B",
        content_type=PressRelease.ContentType.NEWS,
        language=PressRelease.Language.SERBIAN,
        publish_at=at(2021, 6, 1, 10),
        fields_of_work=[field("youth")],
        countries=[country("serbia")],
        sources=[structure("mission-to-serbia")],
    )
    c = PressReleaseFactory(
        title="C",
        publish_at=at(2021, 7, 1, 10),
        fields_of_work=[field("policing")],
        countries=[country("serbia")],
        sources=[structure("strategic-police-matters-unit")],
    )
    c.meeting_series.set([MeetingSeries.objects.get(slug="ministerial-council-meetings")])
    d = PressReleaseFactory(
        title="D",
        content_type=PressRelease.ContentType.STATEMENT,
        publish_at=at(2022, 1, 10, 10),
        fields_of_work=[field("migration"), field("youth")],
        countries=[country("austria"), country("serbia")],
        # A parent and its child at once: the Secretariat counts D once.
        sources=[structure("secretariat"), structure("transnational-threats-department")],
    )
    # 23:30 UTC on New Year's Eve is already 2022 in Vienna.
    PressReleaseFactory(
        title="E",
        content_type=PressRelease.ContentType.SPEECH,
        publish_at=at(2021, 12, 31, 23, 30),
        sources=[structure("conflict-prevention-centre")],
    )
    QuoteFactory(release=a, speaker=ana)
    QuoteFactory(release=b, speaker=None, organisation=agency)
    QuoteFactory(release=c, speaker=boris, appointment=boris_at_ministry)
    # Two quotes by Ana, and the ministry named both ways: D counts once for each.
    QuoteFactory(release=d, speaker=ana)
    QuoteFactory(release=d, speaker=ana)
    QuoteFactory(release=d, speaker=boris, appointment=boris_at_ministry, organisation=ministry)
    a.tags.add("border security")
    b.tags.add("border security", "schools")

    hidden_speaker = PersonFactory(full_name="Hidden Person", slug="hidden-person")
    hidden_organisation = OrganisationFactory(name="Hidden Body", slug="hidden-body")
    hidden = {
        "content_type": PressRelease.ContentType.OP_ED,
        "language": PressRelease.Language.RUSSIAN,
        "fields_of_work": [field("elections"), field("migration")],
        "countries": [country("france"), country("serbia")],
        "sources": [structure("parliamentary-assembly"), structure("secretariat")],
        "publish_at": at(2019, 5, 5, 10),
    }
    releases = [
        PressReleaseFactory(title="draft", status=PressRelease.Status.DRAFT, **hidden),
        PressReleaseFactory(title="scheduled", **{**hidden, "publish_at": at(2099, 1, 1, 10)}),
        PressReleaseFactory(
            title="withdrawn",
            status=PressRelease.Status.WITHDRAWN,
            withdrawal_reason="Sent by mistake.",
            **hidden,
        ),
    ]
    for release in releases:
        release.meeting_series.set([MeetingSeries.objects.get(slug="summit-meetings")])
        release.tags.add("secret", "schools")
        QuoteFactory(release=release, speaker=hidden_speaker)
        QuoteFactory(release=release, speaker=ana)
        QuoteFactory(release=release, speaker=None, organisation=hidden_organisation)


UNFILTERED = {
    "type": [("press_release", 2), ("news", 1), ("statement", 1), ("speech", 1)],
    "field": [("migration", 2), ("policing", 1), ("youth", 2)],
    "country": [("austria", 2), ("serbia", 3)],
    "structure": [
        ("secretariat", 4, False, 0),
        ("conflict-prevention-centre", 1, False, 1),
        ("transnational-threats-department", 2, False, 1),
        ("strategic-police-matters-unit", 1, False, 2),
        ("mission-to-serbia", 1, False, 0),
    ],
    "meeting": [("ministerial-council-meetings", 1)],
    "speaker": [("ana", 2), ("boris", 2)],
    "organisation": [("ministry", 2), ("agency", 1)],
    "tag": [("border-security", 2), ("schools", 1)],
    "language": [("en", 4), ("sr", 1)],
    "year": [("2022", 2), ("2021", 2), ("2020", 1)],
}


def test_counts_are_exact_and_count_only_public_releases():
    assert facets() == UNFILTERED


def test_a_facet_ignores_its_own_selection_and_narrows_the_others():
    assert facets("field=migration") == {
        "type": [("press_release", 1), ("statement", 1)],
        "field": [("migration", 2, "selected"), ("policing", 1), ("youth", 2)],
        "country": [("austria", 2), ("serbia", 1)],
        "structure": [
            ("secretariat", 2, False, 0),
            ("transnational-threats-department", 1, False, 1),
        ],
        "meeting": [],
        "speaker": [("ana", 2), ("boris", 1)],
        "organisation": [("ministry", 1)],
        "tag": [("border-security", 1)],
        "language": [("en", 2)],
        "year": [("2022", 1), ("2020", 1)],
    }


def test_each_facet_is_counted_under_every_other_facet():
    result = facets("field=migration&field=policing&country=serbia&year=2021")

    # Fields under country=serbia & year=2021: B and C.
    assert result["field"] == [
        ("migration", 0, "selected"),
        ("policing", 1, "selected"),
        ("youth", 1),
    ]
    # Countries under field in (migration, policing) & year=2021: C.
    assert result["country"] == [("serbia", 1, "selected")]
    # Years under field in (migration, policing) & country=serbia: C (2021) and D (2022).
    assert result["year"] == [("2022", 1), ("2021", 1, "selected")]
    # Everything else under all three: C only.
    assert result["type"] == [("press_release", 1)]
    assert result["speaker"] == [("boris", 1)]


def test_choosing_a_structure_keeps_the_counts_of_the_whole_tree():
    assert facets("structure=transnational-threats-department")["structure"] == [
        ("secretariat", 4, False, 0),
        ("conflict-prevention-centre", 1, False, 1),
        ("transnational-threats-department", 2, True, 1),
        ("strategic-police-matters-unit", 1, False, 2),
        ("mission-to-serbia", 1, False, 0),
    ]
    assert facets("structure=secretariat")["field"] == [
        ("migration", 2),
        ("policing", 1),
        ("youth", 1),
    ]


def test_a_chosen_value_without_releases_stays_listed_with_zero():
    result = facets("field=elections&speaker=hidden-person&type=op_ed&year=2019&language=ru")

    assert result["field"] == [("elections", 0, "selected")]
    assert result["speaker"] == [("hidden-person", 0, "selected")]
    assert result["type"] == [("op_ed", 0, "selected")]
    assert result["year"] == [("2019", 0, "selected")]
    assert result["language"] == [("ru", 0, "selected")]
    assert result["tag"] == []


def test_counts_cover_only_the_releases_the_search_finds():
    PressReleaseFactory(
        title="Smuggling routes under review",
        publish_at=at(2012, 5, 1, 10),
        fields_of_work=[field("migration"), field("policing")],
        countries=[country("serbia")],
    )
    PressReleaseFactory(
        title="Smuggling of migrants on the agenda",
        content_type=PressRelease.ContentType.NEWS,
        publish_at=at(2013, 1, 1, 10),
        fields_of_work=[field("migration")],
    )

    result = facets("q=smuggling&field=policing")

    assert result["field"] == [("migration", 2), ("policing", 1, "selected")]
    assert result["type"] == [("press_release", 1)]
    assert result["country"] == [("serbia", 1)]
    assert result["year"] == [("2012", 1)]
    assert result["speaker"] == []


def test_a_search_with_nothing_searchable_counts_nothing():
    assert facets("q=-&field=migration") == {
        **{param: [] for param in UNFILTERED},
        "field": [("migration", 0, "selected")],
    }


def test_a_quote_naming_one_organisation_in_a_role_with_another_counts_for_both():
    role_at_ministry = Appointment.objects.get(organisation__slug="ministry")
    release = PressReleaseFactory(title="F", publish_at=at(2021, 3, 1, 10))
    QuoteFactory(
        release=release,
        speaker=role_at_ministry.person,
        appointment=role_at_ministry,
        organisation=Organisation.objects.get(slug="agency"),
    )

    assert facets()["organisation"] == [("ministry", 3), ("agency", 2)]


def test_a_scheduled_release_counts_once_its_time_comes(monkeypatch):
    scheduled = PressRelease.objects.get(title="scheduled")
    assert ("2099", 1) not in facets()["year"]

    later = scheduled.publish_at + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    counts = facets()
    assert counts["year"][0] == ("2099", 1)
    assert counts["type"] == [*UNFILTERED["type"], ("op_ed", 1)]
    assert counts["language"] == [("en", 4), ("ru", 1), ("sr", 1)]
    assert counts["speaker"] == [("ana", 3), ("boris", 2), ("hidden-person", 1)]
    # Counted over a filtered result too.
    assert facets("country=france")["year"] == [("2099", 1)]


def test_years_are_counted_in_the_site_time_zone_in_and_beyond_the_compared_range():
    for moment in (
        at(2016, 12, 31, 23, 30),  # already 2017 in Vienna
        at(2017, 12, 31, 22, 59),  # still 2017 in Vienna (UTC+1 in winter)
        at(1983, 12, 31, 23, 30),  # before the years told apart by comparison: 1984 in Vienna
        at(1983, 6, 1, 12),
    ):
        PressReleaseFactory(publish_at=moment, status=PressRelease.Status.PUBLISHED)

    years = next(
        facet for facet in facet_counts(ReleaseFilterSet(QueryDict(""))) if facet.param == "year"
    )

    # The module's releases are from 2019 on.
    assert [(o.value, o.count) for o in years.options if o.value < "2019"] == [
        ("2017", 2),
        ("1984", 1),
        ("1983", 1),
    ]


def test_invalid_parameters_are_ignored_by_the_counts():
    assert facets("field=no-such-field&year=abc&from=2017-13-45") == UNFILTERED


def test_top_facets_list_the_most_frequent_values_and_always_the_chosen_ones():
    releases = PressReleaseFactory.create_batch(3, publish_at=at(2023, 1, 1, 10))
    frequent = PersonFactory.create_batch(TOP + 2)
    for person in frequent:
        for release in releases[:2]:
            QuoteFactory(release=release, speaker=person)
    rare = PersonFactory(full_name="Zoe Rare", slug="zoe-rare")
    QuoteFactory(release=releases[2], speaker=rare)

    filterset = ReleaseFilterSet(QueryDict("speaker=zoe-rare"))
    speakers = next(facet for facet in facet_counts(filterset) if facet.param == "speaker")

    assert speakers.has_more
    assert len(speakers.options) == TOP + 1
    assert all(option.count == 2 for option in speakers.options[:TOP])
    assert speakers.options[-1] == FacetOption("zoe-rare", "Zoe Rare", 1, True)
    assert not next(f for f in facet_counts(filterset) if f.param == "tag").has_more


def test_facets_carry_their_labels():
    filterset = ReleaseFilterSet(QueryDict("field=migration"))
    by_param = {facet.param: facet for facet in facet_counts(filterset)}

    assert [facet.label for facet in by_param.values()] == [
        "Content type",
        "Field of work",
        "Country",
        "Structure",
        "Meeting or conference",
        "Speaker",
        "Organisation",
        "Tag",
        "Language",
        "Year",
    ]
    assert by_param["field"] == Facet(
        name="field_of_work",
        label="Field of work",
        param="field",
        options=[
            FacetOption("migration", "Migration", 2, True),
            FacetOption("policing", "Policing", 1, False),
            FacetOption("youth", "Youth", 2, False),
        ],
    )
    assert [option.label for option in by_param["type"].options] == ["Press release", "Statement"]
    assert [option.label for option in by_param["speaker"].options] == [
        "Ana Example",
        "Boris Sample",
    ]
    assert [option.label for option in by_param["organisation"].options] == [
        "Ministry of the Interior"
    ]
    assert [option.label for option in by_param["structure"].options] == [
        "Secretariat",
        "Transnational Threats Department",
    ]


def add_releases(count: int) -> None:
    """`count` more public releases with every kind of link, so counting has rows to scan."""
    fields = list(FieldOfWork.objects.all()[:5])
    units = list(Structure.objects.filter(parent__isnull=False)[:5])
    people = PersonFactory.create_batch(3)
    organisation = OrganisationFactory()
    role = AppointmentFactory(person=people[0], organisation=organisation)
    for n in range(count):
        release = PressReleaseFactory(
            publish_at=at(2015 + n % 8, 1 + n % 12, 1, 10),
            fields_of_work=[fields[n % 5], fields[(n + 1) % 5]],
            countries=[country("austria")],
            sources=[units[n % 5]],
        )
        QuoteFactory(
            release=release, speaker=people[n % 3], appointment=role if n % 3 == 0 else None
        )
        release.tags.add(f"topic {n % 7}")


QUERY = (
    "field=migration&structure=secretariat&speaker=ana&organisation=ministry&tag=schools"
    "&type=news&language=en&year=2021&country=serbia&meeting=summit-meetings"
)


@pytest.mark.parametrize("count", [5, 60])
def test_the_query_count_is_fixed_whatever_the_number_of_releases(count, django_assert_num_queries):
    add_releases(count)

    # The taxonomy's labels, the totals (with the keys of releases come due since they were
    # counted), the top records' labels.
    with django_assert_num_queries(3):
        facet_counts(ReleaseFilterSet(QueryDict("")))
    # Any facets chosen: the labels, one read of every value's set, the top records' labels.
    for chosen in ("field=migration", "type=news&year=2021"):
        with django_assert_num_queries(3):
            facet_counts(ReleaseFilterSet(QueryDict(chosen)))
    # A search or dates add one read of the releases they match.
    for narrowed in ("q=regional", "from=2019-01-01", "q=regional&field=migration"):
        with django_assert_num_queries(4):
            facet_counts(ReleaseFilterSet(QueryDict(narrowed)))
    # Every facet chosen: and three queries to look up the chosen speaker, organisation and
    # tag (taxonomy slugs are checked against the vocabularies).
    with django_assert_num_queries(3 + 3):
        filterset = ReleaseFilterSet(QueryDict(QUERY))
        assert filterset.is_valid()
        facet_counts(filterset)


def test_no_query_looks_up_top_records_when_none_has_releases(django_assert_num_queries):
    # The taxonomy's labels, every value's set and the search's matches: none.
    with django_assert_num_queries(3):
        facets = facet_counts(ReleaseFilterSet(QueryDict("q=zzzznothing")))

    assert [f.options for f in facets if f.param in ("speaker", "organisation", "tag")] == [
        [],
        [],
        [],
    ]


def test_the_filter_set_applies_every_filter_but_those_left_out():
    filterset = ReleaseFilterSet(QueryDict("field=migration&country=serbia"))

    assert sorted(filterset.without({"field"}).values_list("title", flat=True)) == [
        "B",
        "C",
        "D",
    ]
    assert sorted(filterset.without({"tag"}).values_list("title", flat=True)) == ["D"]
    assert filterset.without({"field", "country"}).count() == 5


@pytest.mark.parametrize("ids", [[], [1], [3, 1, 2]])
def test_listed_ids_select_exactly_the_ids_given(ids):
    releases = {release.pk: release for release in PressRelease.objects.all()[:3]}
    wanted = [list(releases)[n - 1] for n in ids]

    found = PressRelease.objects.filter(pk__in=listed_ids(wanted, "default"))

    assert sorted(found.values_list("pk", flat=True)) == sorted(wanted)


@pytest.mark.parametrize(
    "query",
    [
        "field=migration",
        "field=migration&field=policing&country=serbia&year=2021",
        "structure=secretariat&type=statement&type=press_release",
        "speaker=ana&organisation=ministry",
        "tag=border-security&language=sr",
        "from=2021-01-01&field=youth",
        "to=2021-12-31&country=serbia",
        "from=2021-06-01&to=2021-12-31",
        "q=ana",
        "q=ana&country=austria&year=2022",
        "q=ana&from=2021-01-01&speaker=boris",
    ],
)
def test_each_count_is_what_choosing_that_value_instead_lists(query):
    """The counts, however they are computed, are those of the filters themselves: an option's
    count is the number of releases the listing finds with that value chosen in its facet
    instead of the facet's current choice, and every other filter kept."""
    filterset = ReleaseFilterSet(QueryDict(query))
    assert filterset.is_valid()
    assert filterset.qs.exists()  # the combination finds something
    checked = 0
    for facet in facet_counts(filterset):
        for option in facet.options:
            data = QueryDict(query, mutable=True)
            data.setlist(facet.param, [option.value])
            assert option.count == ReleaseFilterSet(data).qs.count(), (
                facet.param,
                option.value,
            )
            checked += 1
    assert checked > 5
