"""Scraped pages for timing `import_pages`: public releases of the benchmark database written out
in the seed's plain-text form, site chrome and all, their quotes set into the body the way press
releases attribute them.

`write_pages` runs inside a Django process set up on that database (models are imported in the
function, as in targets.py). The pages are imported into a fresh database (see run.py), so
every page is new on the first import and unchanged on the second.
"""

from pathlib import Path

CHROME_TOP = ["-", "Newsroom", "- Press releases", "- Statements", "-", "Our work", "- Projects"]
CHROME_BOTTOM = ["- Share", "- Print"]


def _quoted(text: str, speaker: str, role: str, turn: int) -> str:
    """A quotation in one of the patterns the importer reads, taking turns."""
    words = text.rstrip(".")
    if not role:
        return f"“{words},” said {speaker}."
    if turn % 2:
        return f"{speaker}, {role}, said: “{text}”"
    return f"“{words},” said {speaker}, {role}."


def page_text(release, quotes: list) -> str:
    """One release as a scraped page: metadata lines, the dateline paragraph, the body
    paragraphs with the quotes after the first one."""
    from django.utils import timezone
    from django.utils.html import strip_tags

    from pressreleases.search.text import html_to_text

    date = timezone.localtime(release.publish_at).date()
    places = release.places or []
    paragraphs = [p for p in html_to_text(release.body).split("\n") if p.strip()]
    if not paragraphs:
        paragraphs = [release.lead]
    said = [
        _quoted(q.text, q.speaker.full_name, q.appointment.title if q.appointment else "", turn)
        for turn, q in enumerate(quotes)
        if q.speaker is not None
    ]
    lines = [
        *CHROME_TOP,
        release.get_content_type_display(),
        strip_tags(release.title),
        "- Date:",
        f"- {date.day} {date:%B %Y}",
        "- Place:",
        f"- {'/'.join(p.upper() for p in places)}",
        "- Source:",
        f"- {', '.join(s.name for s in release.sources.all())}",
        "- Fields of work:",
        f"- {', '.join(f.name for f in release.fields_of_work.all())}",
        paragraphs[0],
        *said,
        *paragraphs[1:],
        *CHROME_BOTTOM,
    ]
    return "\n".join(lines) + "\n"


def write_pages(directory: Path, count: int) -> int:
    """Write the `count` newest public English releases with quotes as pages into `directory`;
    returns how many were written (fewer when the database holds fewer)."""
    from django.db.models import Prefetch

    from pressreleases.models import PressRelease, Quote

    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.glob("*.txt"):
        old.unlink()
    releases = (
        PressRelease.objects.public()
        .filter(language="en", quotes__speaker__isnull=False)
        .distinct()
        .order_by("-publish_at", "-pk")
        .prefetch_related(
            "sources",
            "fields_of_work",
            Prefetch(
                "quotes",
                queryset=Quote.objects.select_related("speaker", "appointment").order_by("order"),
            ),
        )[:count]
    )
    written = 0
    for written, release in enumerate(releases, 1):
        text = page_text(release, list(release.quotes.all()))
        (directory / f"{written:05d}-{release.pk}.txt").write_text(text, encoding="utf-8")
    return written
