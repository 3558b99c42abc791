"""Reading scraped pages, text and HTML, into ParsedPage (no database)."""

import datetime
from pathlib import Path

import pytest

from pressreleases.importing.parsing import PageError, parse, parse_date, parse_lines, read_page

PAGES = Path(__file__).parent / "pages"


def release_lines(dateline_paragraph: str, *metadata: str) -> list[str]:
    return ["- About us", "Press release", "A title", *metadata, dateline_paragraph, "More text."]


def test_text_page_gives_metadata_lead_and_body_without_navigation():
    page = read_page(PAGES / "skopje_border_mentors.txt")

    assert page.title == (
        "Border officers from South-Eastern Europe train mentors to keep skills in their services"
    )
    assert page.content_type == "press_release"
    assert page.date == datetime.date(2019, 3, 14)
    assert page.places == ["Vienna", "Skopje"]
    assert page.sources == ["OSCE Secretariat", "OSCE Mission to Skopje"]
    assert page.fields_of_work == ["Border management", "Countering terrorism"]
    assert page.lead.startswith("Border police officers from five countries completed")
    assert len(page.body) == 8
    assert page.body[-1] == (
        "Participants also discussed risk analysis and how to share passenger information "
        "within the law."
    )
    assert "Share" not in page.body_html
    assert page.source_url == ""
    assert page.notes == []


def test_date_comes_from_the_dateline_when_the_date_field_is_empty():
    page = read_page(PAGES / "banja_luka_hate_crime_standards.txt")

    assert page.date == datetime.date(2018, 10, 2)
    assert page.places == ["Banja Luka"]
    assert page.lead.startswith("Senior police officers from across Bosnia and Herzegovina")


@pytest.mark.parametrize(
    ("dateline", "places", "date"),
    [
        ("VIENNA/SARAJEVO, 5 May 2021 - Text.", ["Vienna", "Sarajevo"], datetime.date(2021, 5, 5)),
        ("VIENNA/SARAJEVO, 5 May 2021 – Text.", ["Vienna", "Sarajevo"], datetime.date(2021, 5, 5)),
        ("VIENNA/SARAJEVO, 5 May 2021 — Text.", ["Vienna", "Sarajevo"], datetime.date(2021, 5, 5)),
        ("VIENNA / SARAJEVO, 5 May 2021–Text.", ["Vienna", "Sarajevo"], datetime.date(2021, 5, 5)),
        (
            "VIENNA – SARAJEVO, 5 May 2021 – Text.",
            ["Vienna", "Sarajevo"],
            datetime.date(2021, 5, 5),
        ),
        ("BANJA LUKA, September 20, 2017 – Text.", ["Banja Luka"], datetime.date(2017, 9, 20)),
        ("NUR-SULTAN, 1 Sept. 2019 — Text.", ["Nur-Sultan"], datetime.date(2019, 9, 1)),
        ("THE HAGUE, 2019-11-30 - Text.", ["The Hague"], datetime.date(2019, 11, 30)),
    ],
)
def test_datelines_with_several_places_and_any_dash(dateline, places, date):
    page = parse_lines(release_lines(dateline, "- Date:", "- Place:"))

    assert (page.places, page.date, page.lead) == (places, date, "Text.")


def test_date_field_and_place_field_win_over_the_dateline():
    page = parse_lines(
        release_lines(
            "VIENNA, 5 May 2021 – Text.", "- Date: 6 May 2021", "- Place:", "- Vienna/Skopje"
        )
    )

    assert (page.date, page.places) == (datetime.date(2021, 5, 6), ["Vienna", "Skopje"])


def test_unreadable_date_field_falls_back_to_the_dateline_and_says_so():
    page = parse_lines(release_lines("VIENNA, 5 May 2021 – Text.", "- Date:", "- soon"))

    assert page.date == datetime.date(2021, 5, 5)
    assert page.notes == ["unreadable date “soon”; the dateline's date was used"]


def test_lists_between_paragraphs_stay_in_the_body():
    page = parse_lines(
        [
            *release_lines("VIENNA, 5 May 2021 – Text.", "- Date:"),
            *("The course covered:", "- risk analysis", "- document checks", "It ends in June."),
        ]
    )

    assert page.body_html == (
        "<p>More text.</p>\n<p>The course covered:</p>\n"
        "<ul><li>risk analysis</li><li>document checks</li></ul>\n<p>It ends in June.</p>"
    )


def test_content_types_are_mapped_and_unknown_ones_noted():
    news = parse_lines(["News", "A title", "- Date: 5 May 2021", "Text."])
    unknown = parse_lines(["Blog post", "A title", "- Date: 5 May 2021", "Text."])

    assert news.content_type == "news"
    assert unknown.content_type == "press_release"
    assert unknown.notes == ["unknown content type “Blog post”; imported as a press release"]


def test_html_page_drops_the_site_chrome_and_reads_the_markup():
    page = read_page(PAGES / "html" / "tirana_journalist_safety.html")

    assert page.title == "Journalists and police agree on safety contact points"
    assert page.content_type == "press_release"
    assert page.date == datetime.date(2022, 5, 3)
    assert page.places == ["Tirana"]
    assert page.sources == ["OSCE Presence in Albania", "OSCE Mission to Bosnia and Herzegovina"]
    assert page.fields_of_work == ["Media freedom and development", "Policing"]
    assert page.source_url == (
        "https://newsroom.example.org/press-releases/"
        "journalists-and-police-agree-on-safety-contact-points"
    )
    assert page.lead.startswith("Editors, reporters and police officers from Albania")
    assert page.body_html.count("<p>") == 4
    for chrome in (
        "Our work",
        "Newsroom",
        "Share",
        "Print",
        "Privacy",
        "press office",
        "analytics",
    ):
        assert chrome not in page.body_html
        assert chrome not in page.lead


def test_html_entities_become_the_marks_they_stand_for():
    page = parse(
        "<html><body><h1>A title</h1><p>Date: 5 May 2021</p>"
        "<p>VIENNA, 5 May 2021 &ndash; &ldquo;Yes,&rdquo; she said &amp; left.</p></body></html>"
    )

    assert page.lead == "“Yes,” she said & left."


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"  \n\n ", "the file is empty"),
        (bytes(range(256)) * 8, "binary or non-UTF-8 content, not a text or HTML page"),
        (b"\x00\x01\x02 text \x00", "binary content, not a text or HTML page"),
        (
            b"<html><body><nav><ul><li>Home</li></ul></nav></body></html>",
            "the HTML page has no text",
        ),
        (
            b"- Home\nJust some text\nwith no release in it.",
            "no press release found: no Date/Place/Source metadata and no dateline such as "
            "“VIENNA, 5 May 2021 –”",
        ),
        (
            b"- About us\nPress release\nA title\n- Date:\n- Place:\nText without a dateline.",
            "no publication date: the Date field is empty or unreadable and the first "
            "paragraph has no dateline",
        ),
        (
            b"Press release\nA title\n- Date: 5 May 2021\n- Place:\n- Share",
            "the release has no text after its metadata",
        ),
        (
            b"- Home\n- Date: 5 May 2021\nVIENNA, 5 May 2021 - Text.",
            "no title: nothing but site navigation before the Date/Place metadata",
        ),
        (
            b"Press release\n" + b"Long " * 61 + b"\n- Date: 5 May 2021\nText.",
            "the title is longer than 300 characters",
        ),
    ],
)
def test_broken_pages_are_refused_with_the_reason(tmp_path, content, reason):
    path = tmp_path / "page"
    path.write_bytes(content)

    with pytest.raises(PageError) as refused:
        read_page(path)

    assert str(refused.value) == reason


def test_broken_fixture_pages_are_refused_with_the_reason():
    with pytest.raises(PageError, match=r"^no title: “Press release” is the content type"):
        read_page(PAGES / "missing_title.txt")
    with pytest.raises(PageError, match=r"^no press release found"):
        read_page(PAGES / "html" / "newsroom_listing.html")


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("20 September 2017", datetime.date(2017, 9, 20)),
        ("20 Sep 2017", datetime.date(2017, 9, 20)),
        ("September 20, 2017", datetime.date(2017, 9, 20)),
        ("2017-09-20", datetime.date(2017, 9, 20)),
        ("20.09.2017", datetime.date(2017, 9, 20)),
        ("31 February 2017", None),
        ("20 Smarch 2017", None),
        ("next week", None),
    ],
)
def test_dates_in_the_forms_releases_use(text, date):
    assert parse_date(text) == date
