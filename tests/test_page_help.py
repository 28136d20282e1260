"""Every page a user sees carries a one-line help under its title (issue 9: "a short help
text on each page"): `<p class="intro">` saying what the page is for. The error pages
(400, 403, 404, 500) and the partial templates (`_*.html`) have none."""

from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.test_url_access import MATRIX, world  # noqa: F401 (the role matrix's world)
from tests.web import client_for

pytestmark = pytest.mark.django_db

KTTT = Path(__file__).resolve().parent.parent / "kttt"
ERROR_PAGES = {"400.html", "403.html", "404.html", "500.html", "503.html", "base.html"}

# Pages only another role sees, or that a POST renders: (persona, method, address).
OTHER_PAGES = [
    ("anon", "get", "/dang-nhap/"),
    ("coop", "get", "/htx-cua-toi/"),
    ("coop", "get", "/thuc-hien/kinh-phi/"),  # no plan open to a representative
    ("admin", "post", "/tai-khoan/{account}/duong-dan-mat-khau/"),  # the one-time link
    ("admin", "post", "/tai-khoan/{account}/khoa-api/"),  # a new API key, shown once
    ("commune", "post", "/tai-khoan/khoa-api/"),  # one's own new key
    ("admin", "post", "/areas/successions/{succession}/ap-dung/"),  # what applying did
]


class IntroReader(HTMLParser):
    """The text of each <p class="intro"> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.intros: list[str] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p" and "intro" in (dict(attrs).get("class") or "").split():
            self.inside = True
            self.intros.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.intros[-1] += data


def intros(html: str) -> list[str]:
    reader = IntroReader()
    reader.feed(html)
    return [" ".join(text.split()) for text in reader.intros]


def title_of(html: str) -> str:
    start = html.find("<h1")
    start = html.find(">", start) + 1
    return " ".join(html[start : html.find("</h1>", start)].split())


def test_every_page_a_user_sees_has_a_help_line(world):  # noqa: F811
    people, keys = world
    # (the Django admin site's pages are Django's own)
    asked = [("admin", m, a) for m, a, _ in MATRIX.values() if m == "get" and a != "/admin/"]
    pages, missing = 0, []
    for persona, method, template in [*asked, *OTHER_PAGES]:
        address = template.format(**keys)
        client = client_for(people[persona]) if persona != "anon" else client_for_anonymous()
        response = getattr(client, method)(address)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if "<h1" not in html:  # an HTMX fragment or an <option> list, not a page
            continue
        pages += 1
        found = intros(html)
        # (a section may carry its own help further down, as the data checks do)
        if not found or not found[0] or found[0] == title_of(html):
            missing.append(f"{persona} {method.upper()} {address}: {found}")
    assert pages > 50  # the walk reached the pages
    assert missing == [], "\n".join(missing)


def test_every_page_template_has_a_help_line():
    """The templates no test above renders (the import's preview and result, the lock-out
    page) are held to it too."""
    templates = [
        path
        for path in KTTT.glob("**/templates/**/*.html")
        if not path.name.startswith("_") and path.name not in ERROR_PAGES
    ]
    assert len(templates) > 40
    lacking = [str(p.relative_to(KTTT)) for p in templates if 'class="intro"' not in p.read_text()]
    assert lacking == []


def test_a_shared_form_says_what_its_own_use_saves(world):  # noqa: F811
    """registry/form.html takes its help from the view: adding yearly figures says who
    approves them; changing a status says the earlier ones are kept."""
    people, _keys = world
    client = client_for(people["commune"])
    yearly = intros(client.get("/htx/OWN/so-lieu/them/").content.decode())
    status = intros(client.get("/htx/OWN/trang-thai/").content.decode())
    assert "gửi duyệt" in yearly[0]
    assert "các trạng thái trước vẫn được giữ" in status[0]


def client_for_anonymous():
    from django.test import Client

    return Client()
