"""Flatten a saved press-release web page into the lines of the scraped text form.

The seed's text form is what a scraper makes of the page: list items become "- " lines, every
other block a line of its own. Producing the same lines lets one parser read both forms. Site
chrome that HTML marks as such (navigation, header, footer, scripts, forms) is dropped here; the
remaining lists of links are dropped by the parser like those of the text form.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

SKIPPED_TAGS = {
    "script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form",
    "button", "iframe", "select", "textarea", "head", "object",
}  # fmt: skip
SKIPPED_ROLES = {"navigation", "banner", "contentinfo", "search", "complementary"}
BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt",
    "dd", "tr", "td", "th", "blockquote", "figure", "figcaption", "ul", "ol", "dl", "table",
    "br", "hr", "address", "body", "html",
}  # fmt: skip
ITEM_TAGS = {"li", "dt", "dd"}
VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


@dataclass
class HtmlPage:
    lines: list[str] = field(default_factory=list)
    heading: str = ""  # the first <h1>, else og:title
    date: str = ""  # the first <time datetime> in the content
    canonical_url: str = ""  # <link rel="canonical">, else og:url


class _Flattener(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = HtmlPage()
        self._buffer: list[str] = []
        self._items = 0
        self._skipping: tuple[str, int] | None = None  # the skipped element and its nesting
        self._in_h1 = False
        self._h1: list[str] = []
        self._og_title = ""
        self._og_url = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self._read_head(tag, attributes)
        if tag in VOID_TAGS:
            if tag in ("br", "hr") and self._skipping is None:
                self._flush()
            return
        if self._skipping is not None:
            name, depth = self._skipping
            if tag == name:
                self._skipping = (name, depth + 1)
            return
        if tag in SKIPPED_TAGS or attributes.get("role") in SKIPPED_ROLES:
            self._flush()
            self._skipping = (tag, 1)
            return
        if tag == "time" and attributes.get("datetime") and not self.page.date:
            self.page.date = attributes["datetime"]
        if tag in BLOCK_TAGS:
            self._flush()
        if tag in ITEM_TAGS:
            self._items += 1
        if tag == "h1" and not self.page.heading:
            self._in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if self._skipping is not None:
            name, depth = self._skipping
            if tag == name:
                self._skipping = (name, depth - 1) if depth > 1 else None
            return
        if tag in BLOCK_TAGS:
            self._flush()
        if tag in ITEM_TAGS and self._items:
            self._items -= 1
        if tag == "h1" and self._in_h1:
            self._in_h1 = False
            self.page.heading = " ".join("".join(self._h1).split())

    def handle_data(self, data: str) -> None:
        if self._skipping is None:
            self._buffer.append(data)
            if self._in_h1:
                self._h1.append(data)

    def _read_head(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "link" and "canonical" in attributes.get("rel", "").split():
            self.page.canonical_url = attributes.get("href", "").strip()
        elif tag == "meta" and attributes.get("property") == "og:url":
            self._og_url = attributes.get("content", "").strip()
        elif tag == "meta" and attributes.get("property") == "og:title":
            self._og_title = attributes.get("content", "").strip()

    def _flush(self) -> None:
        text = " ".join("".join(self._buffer).split())
        self._buffer = []
        if text:
            self.page.lines.append(f"- {text}" if self._items else text)

    def close(self) -> None:
        super().close()
        self._flush()
        self.page.heading = self.page.heading or self._og_title
        self.page.canonical_url = self.page.canonical_url or self._og_url


def flatten(html: str) -> HtmlPage:
    """The page's text as lines in the scraped text form, with what the markup tells besides."""
    flattener = _Flattener()
    flattener.feed(html)
    flattener.close()
    return flattener.page
