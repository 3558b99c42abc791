"""The release page's head (canonical, Open Graph, Twitter, JSON-LD), images, documents,
related releases, other languages, the print stylesheet and the query budget."""

import datetime
import io
import json
import re
from html.parser import HTMLParser

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image as PILImage

from pressreleases.images import image_srcset
from pressreleases.models import Attachment, Image, PressRelease
from taxonomy.models import FieldOfWork, Structure
from tests.factories import PressReleaseFactory, QuoteFactory

pytestmark = pytest.mark.django_db

Status = PressRelease.Status
SITE = "http://testserver"


def at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2024, 5, day, hour, tzinfo=datetime.UTC)


class HeadParser(HTMLParser):
    """The <link> and <meta> elements of a page's head, and its JSON-LD blocks."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict] = []
        self.meta: list[tuple[str, str]] = []
        self.json_ld: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link":
            self.links.append(attrs)
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.append((attrs.get("property") or attrs["name"], attrs["content"]))
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data


def head_of(response) -> HeadParser:
    assert response.status_code == 200
    page = response.content.decode()
    parser = HeadParser()
    parser.feed(page[: page.index("</head>")])
    return parser


def png(width: int, height: int) -> ContentFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), "steelblue").save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="meeting.png")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def release(taxonomy):
    release = PressReleaseFactory(
        title="Mission & partners train <border> police",
        slug="border-police-training",
        lead="Officers from three countries practised joint patrols.",
        publish_at=at(6),
        fields_of_work=FieldOfWork.objects.filter(slug__in=["border-management", "policing"]),
    )
    PressRelease.objects.filter(pk=release.pk).update(updated_at=at(7, 8))
    release.refresh_from_db()
    return release


def test_the_head_names_the_canonical_address_and_describes_the_release(client, release):
    head = head_of(client.get("/press-releases/border-police-training/"))

    assert [link["href"] for link in head.links if link["rel"] == "canonical"] == [
        f"{SITE}/press-releases/border-police-training/"
    ]
    assert head.meta == [
        ("viewport", "width=device-width, initial-scale=1"),
        ("description", "Officers from three countries practised joint patrols."),
        ("og:type", "article"),
        ("og:site_name", "OSCE Newsroom"),
        ("og:title", "Mission & partners train <border> police"),
        ("og:description", "Officers from three countries practised joint patrols."),
        ("og:url", f"{SITE}/press-releases/border-police-training/"),
        ("article:published_time", "2024-05-06T12:00:00+02:00"),
        ("article:modified_time", "2024-05-07T10:00:00+02:00"),
        ("article:section", "Press release"),
        ("article:tag", "Border management"),
        ("article:tag", "Policing"),
        ("twitter:card", "summary"),
        ("twitter:title", "Mission & partners train <border> police"),
        ("twitter:description", "Officers from three countries practised joint patrols."),
    ]


def test_the_json_ld_is_a_news_article_by_the_osce(client, release):
    head = head_of(client.get(release.get_absolute_url()))

    assert len(head.json_ld) == 1
    assert json.loads(head.json_ld[0]) == {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Mission & partners train <border> police",
        "description": "Officers from three countries practised joint patrols.",
        "url": f"{SITE}/press-releases/border-police-training/",
        "mainEntityOfPage": f"{SITE}/press-releases/border-police-training/",
        "datePublished": "2024-05-06T12:00:00+02:00",
        "dateModified": "2024-05-07T10:00:00+02:00",
        "author": {"@type": "Organization", "name": "OSCE", "url": f"{SITE}/"},
        "publisher": {"@type": "Organization", "name": "OSCE", "url": f"{SITE}/"},
        "inLanguage": "en",
        "articleSection": "Press release",
        "keywords": ["Border management", "Policing"],
    }


def test_the_json_ld_cannot_close_its_script_element(client, release):
    release.title = "Statement </script><script>alert(1)</script> & more"
    release.save()

    page = client.get(release.get_absolute_url()).content.decode()

    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    assert not set("<>&") & set(block)
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in block
    assert json.loads(block)["headline"] == release.title


def test_without_a_lead_the_description_comes_from_the_body(client, release):
    release.lead = ""
    release.body = "<p>The <strong>training</strong> ran for " + "many " * 60 + "days.</p>"
    release.save()

    head = head_of(client.get(release.get_absolute_url()))

    description = dict(head.meta)["og:description"]
    assert description == "The training ran for " + " ".join(["many"] * 46) + "…"
    assert json.loads(head.json_ld[0])["description"] == description


def test_an_image_is_shared_at_its_largest_rendition(client, release):
    Image.objects.create(
        release=release,
        file=png(2000, 1000),
        alt_text="Officers at a border crossing",
        caption="Joint patrol",
        credit="OSCE/Ana Petrović",
    )
    Image.objects.create(release=release, file=png(300, 200), alt_text="A map", order=1)
    first, second = release.images.all()

    head = head_of(client.get(release.get_absolute_url()))

    largest = f"{SITE}{first.file.storage.url(first.renditions['1600'])}"
    assert [pair for pair in head.meta if "image" in pair[0] or pair[0] == "twitter:card"] == [
        ("og:image", largest),
        ("og:image:width", "1600"),
        ("og:image:height", "800"),
        ("og:image:alt", "Officers at a border crossing"),
        ("twitter:card", "summary_large_image"),
        ("twitter:image", largest),
        ("twitter:image:alt", "Officers at a border crossing"),
    ]
    assert json.loads(head.json_ld[0])["image"] == [largest, f"{SITE}{second.file.url}"]


def test_images_have_a_srcset_with_sizes_and_their_caption_and_credit(client, release):
    image = Image.objects.create(
        release=release, file=png(1000, 500), alt_text="Officers", caption="Patrol", credit="OSCE"
    )
    small = Image.objects.create(release=release, file=png(300, 200), alt_text="Map", order=1)

    html = client.get(release.get_absolute_url()).content.decode()

    assert sorted(image.renditions) == ["480", "960"]
    assert (
        f'<img src="{image.file.url}" srcset="{image_srcset(image)}" '
        'sizes="(min-width: 72rem) 69rem, calc(100vw - 2rem)" alt="Officers" '
        'width="1000" height="500" loading="lazy" decoding="async">\n'
        "  <figcaption>Patrol <small>Photo: OSCE</small></figcaption>"
    ) in html
    # A picture narrower than every rendition width is offered as it is.
    assert image_srcset(small) == f"{small.file.url} 300w"
    assert f'srcset="{small.file.url} 300w" sizes=' in html


def test_documents_show_their_language_kind_and_size(client, release):
    agenda = Attachment(release=release, title="Agenda", language="ru")
    agenda.file.save("agenda.pdf", ContentFile(b"x" * 2048), save=True)
    lost = Attachment.objects.create(release=release, title="Lost", file="attachments/gone.docx")

    html = client.get(release.get_absolute_url()).content.decode()

    assert (
        f'<a href="{agenda.file.url}" hreflang="ru">Agenda</a> (Russian) '
        "<small>PDF, 2.0\xa0KB</small>"
    ) in html
    # A file missing from storage still gets its link, just no size.
    assert f'<a href="{lost.file.url}" hreflang="en">Lost</a> (English) <small>DOCX</small>' in html


def related_titles(client, release) -> list[str]:
    html = client.get(release.get_absolute_url()).content.decode()
    if 'id="related-heading"' not in html:
        return []
    section = html[
        html.index('id="related-heading"') : html.index(
            "</section>", html.index('id="related-heading"')
        )
    ]
    return re.findall(r'<li><a href="[^"]+">([^<]+)</a>', section)


def test_related_releases_are_the_chosen_ones_then_those_sharing_a_field_or_source(client, release):
    migration = FieldOfWork.objects.get(slug="migration")
    mission = Structure.objects.get(slug="mission-to-bosnia-and-herzegovina")
    release.fields_of_work.add(migration)
    release.sources.add(mission)

    def other(title, day, **fields):
        return PressReleaseFactory(title=title, publish_at=at(day), **fields)

    chosen_old = other("Chosen, old", 1)
    chosen_new = other("Chosen, new", 3)
    release.related.set([chosen_old, chosen_new])
    other("Same field, newest", 28, fields_of_work=[migration])
    other("Same source", 20, sources=[mission])
    other("Same field, older", 10, fields_of_work=[migration])
    other("Same field, oldest", 2, fields_of_work=[migration])
    other("Unrelated", 29)
    other("Same field, draft", 27, fields_of_work=[migration], status=Status.DRAFT)
    other(
        "Same field, withdrawn",
        26,
        fields_of_work=[migration],
        status=Status.WITHDRAWN,
        withdrawal_reason="Wrong date.",
    )
    PressReleaseFactory(
        title="Same field, scheduled",
        publish_at=timezone.now() + datetime.timedelta(days=1),
        fields_of_work=[migration],
    )

    assert related_titles(client, release) == [
        "Chosen, new",
        "Chosen, old",
        "Same field, newest",
        "Same source",
        "Same field, older",
    ]


def test_at_most_five_related_releases_are_shown_the_newest_chosen_first(client, release):
    release.related.set(
        PressReleaseFactory(title=f"Chosen {day}", publish_at=at(day)) for day in range(1, 8)
    )

    assert related_titles(client, release) == [f"Chosen {day}" for day in (7, 6, 5, 4, 3)]


def test_a_release_sharing_nothing_has_no_related_releases(client):
    lonely = PressReleaseFactory()
    PressReleaseFactory()

    assert related_titles(client, lonely) == []


def test_related_releases_leave_out_hidden_chosen_ones_and_translations(client, release):
    policing = FieldOfWork.objects.get(slug="policing")
    release.related.set(
        [
            PressReleaseFactory(title="Chosen draft", status=Status.DRAFT, publish_at=None),
            PressReleaseFactory(
                title="Chosen, scheduled", publish_at=timezone.now() + datetime.timedelta(hours=1)
            ),
        ]
    )
    PressReleaseFactory(
        title="Its translation", translation_of=release, language="ru", fields_of_work=[policing]
    )

    assert related_titles(client, release) == []


def language_links(response) -> list[tuple[str, str]]:
    return [
        (link["hreflang"], link["href"])
        for link in head_of(response).links
        if link["rel"] == "alternate" and "hreflang" in link
    ]


def test_translations_are_linked_both_ways_with_hreflang(client, release):
    russian = PressReleaseFactory(
        title="Перевод", slug="russian", language="ru", translation_of=release, publish_at=at(9)
    )
    german = PressReleaseFactory(
        title="Übersetzung", slug="german", language="de", translation_of=release, publish_at=at(8)
    )
    PressReleaseFactory(
        slug="draft-french", language="fr", translation_of=release, status=Status.DRAFT
    )

    original_page = client.get(release.get_absolute_url())
    russian_page = client.get(russian.get_absolute_url())

    assert language_links(original_page) == [
        ("en", f"{SITE}/press-releases/border-police-training/"),
        ("ru", f"{SITE}/press-releases/russian/"),
        ("de", f"{SITE}/press-releases/german/"),
    ]
    assert language_links(russian_page) == [
        ("ru", f"{SITE}/press-releases/russian/"),
        ("en", f"{SITE}/press-releases/border-police-training/"),
        ("de", f"{SITE}/press-releases/german/"),
    ]
    html = russian_page.content.decode()
    assert (
        '<li><a href="/press-releases/border-police-training/" hreflang="en" lang="en">'
        "Mission &amp; partners train &lt;border&gt; police</a> (English, original)</li>"
    ) in html
    assert (
        f'<li><a href="/press-releases/german/" hreflang="de" lang="de">{german.title}</a> '
        "(German)</li>"
    ) in html
    assert "draft-french" not in html


def test_a_release_without_public_translations_has_no_language_links(client, release):
    PressReleaseFactory(language="ru", translation_of=release, status=Status.DRAFT)
    withdrawn_original = PressReleaseFactory(status=Status.WITHDRAWN, withdrawal_reason="Replaced.")
    orphan = PressReleaseFactory(language="fr", translation_of=withdrawn_original)

    assert language_links(client.get(release.get_absolute_url())) == []
    assert language_links(client.get(orphan.get_absolute_url())) == []
    assert 'id="languages-heading"' not in client.get(orphan.get_absolute_url()).content.decode()


def test_the_print_stylesheet_is_linked_and_the_permanent_address_printed(client, release):
    page = client.get(release.get_absolute_url()).content.decode()

    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in page
    assert (
        '<p class="release__permalink" hidden>Permanent address: '
        f"{SITE}/press-releases/border-police-training/</p>"
    ) in page


def page_queries(client, release) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(release.get_absolute_url()).status_code == 200
    return len(queries)


def load(release: PressRelease, n: int, taxonomy_fields) -> None:
    for i in range(n):
        QuoteFactory(release=release, text=f"Quote {i}.")
        Image.objects.create(release=release, file=png(600, 400), alt_text=f"Picture {i}")
        attachment = Attachment(release=release, title=f"Document {i}")
        attachment.file.save(f"doc{i}.pdf", ContentFile(b"%PDF"), save=True)
        release.related.add(PressReleaseFactory(title=f"Related {i}"))
        PressReleaseFactory(title=f"Translation {i}", translation_of=release, language="ru")
    release.tags.set([f"tag {i}" for i in range(n)])
    release.fields_of_work.set(taxonomy_fields[:n])


def test_the_page_costs_the_same_queries_with_one_item_of_each_kind_or_eight(client, taxonomy):
    fields = list(FieldOfWork.objects.all())
    one, eight = PressReleaseFactory(), PressReleaseFactory()
    load(one, 1, fields)
    load(eight, 8, fields)
    page_queries(client, one)  # warms the navigation and the publication clock

    # A stored page costs nothing, so each measure follows a change that makes a new stamp.
    one.save()
    queries_for_one = page_queries(client, one)
    eight.save()
    assert page_queries(client, eight) == queries_for_one
    # The release, nine prefetches (sources, fields, countries, tags, quotes, images,
    # documents, chosen related, translations) and the releases sharing a field or source.
    assert queries_for_one == 11
