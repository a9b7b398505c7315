"""A page of the public site as a test reads it: its visible text, links, table rows and language,
parsed with the standard library (no browser)."""

from html.parser import HTMLParser

INLINE = {"a", "b", "em", "span", "strong", "time", "abbr"}


class HtmlPage(HTMLParser):
    """Visible text (tags dropped, entities decoded), <link>s, <a>s, table rows and <html lang>."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[dict] = []
        self.anchors: list[tuple[str, str]] = []  # (href, text)
        self.rows: list[list[str]] = []
        self.lang: str | None = None
        self._skip = 0
        self._anchor: tuple[str, list[str]] | None = None
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag not in INLINE:
            self.parts.append(" ")
        if tag == "html":
            self.lang = attributes.get("lang")
        if tag in ("style", "title"):
            self._skip += 1
        if tag == "link":
            self.links.append(attributes)
        if tag == "a":
            self._anchor = (attributes["href"], [])
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self._skip -= 1
        if tag == "a" and self._anchor:
            self.anchors.append((self._anchor[0], " ".join("".join(self._anchor[1]).split())))
            self._anchor = None
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._skip:
            return
        self.parts.append(data)
        if self._anchor:
            self._anchor[1].append(data)
        if self._cell is not None:
            self._cell.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())

    def link(self, type_: str) -> str:
        return next(link["href"] for link in self.links if link.get("type") == type_)

    def anchor(self, text: str) -> str:
        """The href of the first <a> whose text is `text`."""
        return next(href for href, label in self.anchors if label == text)
