"""Who sees a release: the public() rule at its boundaries, and the release's own page."""

import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage

from pressreleases.images import image_srcset
from pressreleases.models import Attachment, Image, Organisation, PressRelease, Quote
from taxonomy.models import Country, FieldOfWork, Structure
from tests.factories import AppointmentFactory, PressReleaseFactory, QuoteFactory, publisher

pytestmark = pytest.mark.django_db

Status = PressRelease.Status
SECOND = datetime.timedelta(seconds=1)


def make(state: str) -> PressRelease:
    now = timezone.now()
    return {
        "draft": lambda: PressReleaseFactory(status=Status.DRAFT, publish_at=None),
        "draft with a past time": lambda: PressReleaseFactory(
            status=Status.DRAFT, publish_at=now - SECOND
        ),
        "in review": lambda: PressReleaseFactory(status=Status.IN_REVIEW, publish_at=None),
        "scheduled one second ahead": lambda: PressReleaseFactory(publish_at=now + 2 * SECOND),
        "published a second ago": lambda: PressReleaseFactory(publish_at=now - SECOND),
        "withdrawn": lambda: PressReleaseFactory(
            status=Status.WITHDRAWN, withdrawal_reason="Wrong figures."
        ),
    }[state]()


@pytest.mark.parametrize(
    ("state", "is_public", "page_status"),
    [
        ("draft", False, 404),
        ("draft with a past time", False, 404),
        ("in review", False, 404),
        ("scheduled one second ahead", False, 404),
        ("published a second ago", True, 200),
        ("withdrawn", False, 200),
    ],
)
def test_public_rule_at_its_boundaries(client, state, is_public, page_status):
    release = make(state)

    quote = QuoteFactory(release=release)

    assert PressRelease.objects.public().filter(pk=release.pk).exists() is is_public
    assert Quote.objects.public().filter(pk=quote.pk).exists() is is_public
    assert release.is_public is is_public
    assert client.get(release.get_absolute_url()).status_code == page_status


def test_a_scheduled_release_becomes_public_when_its_time_comes(client, monkeypatch):
    release = PressReleaseFactory(publish_at=timezone.now() + datetime.timedelta(hours=1))
    assert client.get(release.get_absolute_url()).status_code == 404

    later = timezone.now() + datetime.timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert PressRelease.objects.public().get() == release
    assert client.get(release.get_absolute_url()).status_code == 200


def test_an_unknown_slug_is_404(client):
    assert client.get("/press-releases/no-such-release/").status_code == 404


def test_a_withdrawn_release_shows_the_reason_and_date_and_leaves_public(client):
    release = PressReleaseFactory(
        status=Status.WITHDRAWN,
        withdrawal_reason="The figures in the second paragraph were wrong.",
        withdrawn_at=datetime.datetime(2024, 3, 5, 23, 30, tzinfo=datetime.UTC),
    )

    html = client.get(release.get_absolute_url()).content.decode()

    assert "This press release was withdrawn on 6 March 2024." in html  # Vienna date
    assert "The figures in the second paragraph were wrong." in html
    assert not PressRelease.objects.public().exists()


@pytest.fixture
def full_release(taxonomy, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    mission = Structure.objects.get(slug="mission-to-bosnia-and-herzegovina")
    release = PressReleaseFactory(
        title="Co-operation on migration-related crime needed more than ever",
        publish_at=datetime.datetime(2017, 9, 20, 22, 30, tzinfo=datetime.UTC),
        places=["Sarajevo"],
        lead="Participants of a two-day regional seminar called for closer co-operation.",
        body="<h2>Background</h2><p>The seminar <strong>concludes</strong> today.</p>",
        sources=[mission],
        fields_of_work=FieldOfWork.objects.filter(slug="migration"),
        countries=Country.objects.filter(iso_code="BA"),
    )
    release.tags.set(["seminar"])
    organisation = Organisation.objects.create(name="OSCE Mission to BiH", slug="mission-bih")
    appointment = AppointmentFactory(
        person__full_name="Bruce Berton",
        title="Head of the OSCE Mission to BiH",
        organisation=organisation,
        start_date=datetime.date(2017, 1, 1),
        end_date=datetime.date(2019, 12, 31),
    )
    QuoteFactory(
        release=release,
        speaker=appointment.person,
        appointment=appointment,
        text="This seminar gave participants a chance to build networks.",
    )
    AppointmentFactory(person=appointment.person, title="Retired", start_date=None)
    QuoteFactory(release=release, speaker=None, structure=mission, text="Words of the Mission.")
    attachment = Attachment(release=release, title="Seminar agenda")
    attachment.file.save("agenda.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return release


def test_the_page_shows_everything_a_release_carries(client, full_release):
    response = client.get(full_release.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    html = page[page.index("<article") : page.index("</article>")]
    assert '<article class="release" lang="en"' in html
    assert '<p class="release__type">Press release</p>' in html
    assert '<h1 id="release-title">Co-operation on migration-related crime' in html
    # 22:30 UTC on 20 September is already the 21st in Vienna, the site's time zone.
    assert '<time datetime="2017-09-21T00:30:00+02:00">21 September 2017</time>' in html
    assert '<span class="dateline">SARAJEVO, 21 September 2017</span> – Participants' in html
    assert (
        '<a href="/structures/mission-to-bosnia-and-herzegovina/">'
        "OSCE Mission to Bosnia and Herzegovina</a>"
    ) in html
    assert '<a href="/fields-of-work/migration/">Migration</a>' in html
    assert '<a href="/countries/bosnia-and-herzegovina/">Bosnia and Herzegovina</a>' in html
    assert "<h2>Background</h2><p>The seminar <strong>concludes</strong> today.</p>" in html
    assert (
        "<blockquote><p>This seminar gave participants a chance to build networks.</p>"
        '</blockquote>\n  <figcaption><a href="/speakers/bruce-berton/">Bruce Berton</a>, '
        '<span class="quote__role">Head of the OSCE Mission to BiH</span></figcaption>'
    ) in html
    assert "<figcaption>OSCE Mission to Bosnia and Herzegovina</figcaption>" in html
    assert 'hreflang="en">Seminar agenda</a> (English)' in html
    assert "Tags: seminar" in html


def test_the_page_lists_only_public_related_releases(client):
    release = PressReleaseFactory()
    release.related.set(
        [
            PressReleaseFactory(title="Public neighbour"),
            PressReleaseFactory(title="Draft neighbour", status=Status.DRAFT, publish_at=None),
        ]
    )

    html = client.get(release.get_absolute_url()).content.decode()

    assert "Public neighbour" in html
    assert "Draft neighbour" not in html


def page_queries(client, release) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(release.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_however_much_a_release_carries(client, full_release):
    bare = PressReleaseFactory(title="Nothing attached")
    page_queries(client, bare)  # warm the navigation cache
    for n in range(5):
        QuoteFactory(release=full_release, text=f"Another quote {n}.")
    full_release.related.set(PressReleaseFactory.create_batch(3))

    assert page_queries(client, full_release) == page_queries(client, bare)


def test_the_release_url_is_the_slug_under_press_releases():
    release = PressReleaseFactory.build(slug="mission-supports-judges")

    assert release.get_absolute_url() == "/press-releases/mission-supports-judges/"
    assert reverse("pressreleases:detail", args=["x"]) == "/press-releases/x/"


@pytest.fixture
def photo(settings, tmp_path) -> Image:
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    PILImage.new("RGB", (1000, 500), "steelblue").save(buffer, "PNG")
    return Image.objects.create(
        release=PressReleaseFactory(),
        file=ContentFile(buffer.getvalue(), name="seminar.png"),
        alt_text="Participants around a table",
        caption="The opening session",
        credit="OSCE/Jane Doe",
    )


def test_the_page_shows_images_with_their_renditions_alt_text_and_credit(client, photo):
    html = client.get(photo.release.get_absolute_url()).content.decode()

    assert sorted(photo.renditions) == ["480", "960"]
    assert f'<img src="{photo.file.url}" srcset="{image_srcset(photo)}"' in html
    assert ".w480.webp 480w, " in image_srcset(photo)
    assert 'alt="Participants around a table" width="1000" height="500"' in html
    assert (
        "<figcaption>The opening session <small>Photo: OSCE/Jane Doe</small></figcaption>" in html
    )


def test_the_change_form_previews_each_image(client, photo):
    client.force_login(publisher())

    response = client.get(
        reverse("admin:pressreleases_pressrelease_change", args=[photo.release.pk])
    )

    assert (
        f'<img src="{photo.file.url}" srcset="{image_srcset(photo)}" sizes="120px" alt="" '
        'width="120" loading="lazy">'
    ) in response.content.decode()
