"""The fields of an HTML form as a browser would submit them, for tests and benchmarks that
talk to a real server over HTTP (Django's test client is not there to help)."""

from html.parser import HTMLParser


class FormReader(HTMLParser):
    """The fields of the page's form with method post: what a browser would submit."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in {"submit", "button", "file"}:
            if a.get("type") not in {"checkbox", "radio"} or "checked" in a:
                self.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self.select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self.select and "selected" in a:
            self.fields[self.select] = a.get("value", "")
        elif tag == "textarea" and name:
            self.textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.fields[self.textarea] += data


def form_fields(html: str) -> dict[str, str]:
    reader = FormReader()
    reader.feed(html)
    return reader.fields
