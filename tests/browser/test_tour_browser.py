"""Every page a user can reach, on a 360 px phone and a 1366 px screen (issue 9): the demo's
administrator, planning office, commune officer and cooperative representative each follow
the links of the pages they see, from the home page, one page per view; each page answers,
nothing spills sideways on the phone, and both screenshots are saved (KTTT_SCREENSHOT_DIR
keeps them as test artifacts)."""

import os
from collections import deque
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from tests.browser.test_browser import no_horizontal_overflow
from tests.web import PASSWORD, PLAIN_STORAGES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Links not followed: leaving, Django's own admin, and what changes nothing on a page's
# look but multiplies the tour (every page of a paged list is the same view).
SKIPPED_PREFIXES = ("/dang-xuat", "/admin/", "/static/", "/media/")
PAGES_AT_MOST = 80


def view_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def too_wide(page) -> list[str]:
    """The innermost elements that reach past the phone's width outside any box that
    scrolls sideways, to say what to fix."""
    return page.evaluate(
        """() => [...document.body.querySelectorAll('*')]
            .filter(e => e.getBoundingClientRect().right > 361 && e.children.length === 0)
            .filter(e => {
                for (let p = e.parentElement; p; p = p.parentElement) {
                    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX))
                        return false;
                }
                return true;
            })
            .slice(0, 5)
            .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                 + ' ' + Math.round(e.getBoundingClientRect().right) + 'px: '
                 + (e.textContent || '').trim().slice(0, 40))"""
    )


def tour(context, base: str, username: str, shots) -> list[str]:
    """Log in and visit one address per view reachable by links; returns the problems."""
    page = context.new_page()
    page.goto(f"{base}/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state("load")
    problems: list[str] = []
    seen_views: set[str] = set()
    queue = deque([urlsplit(page.url).path])
    visited = 0
    while queue and visited < PAGES_AT_MOST:
        address = queue.popleft()
        path = urlsplit(address).path
        view = view_of(path)
        if view is None or view in seen_views or path.startswith(SKIPPED_PREFIXES):
            continue
        seen_views.add(view)
        answer = context.request.get(f"{base}{address}")
        if "text/html" not in answer.headers.get("content-type", ""):
            continue  # a file to download: its contents are tested elsewhere
        if answer.status >= 400:
            problems.append(f"{username} {address}: {answer.status}")
            continue
        visited += 1
        name = f"{username}-{view.replace(':', '-')}"
        for width in (1366, 360):
            page.set_viewport_size({"width": width, "height": 900 if width > 700 else 780})
            page.goto(f"{base}{address}")
            page.wait_for_load_state("load")
            if width == 360 and not no_horizontal_overflow(page, width):
                problems.append(f"{username} {address}: wider than 360 px: {too_wide(page)}")
            page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
        for href in page.eval_on_selector_all(
            "a[href]", "links => links.map(a => a.getAttribute('href'))"
        ):
            if href.startswith("/") and not href.startswith("//"):
                queue.append(href.split("#")[0])
    page.close()
    return problems


def test_every_page_of_every_role_on_a_phone_and_a_screen(
    live_server, browser, settings, tmp_path, shots
):
    from django.core.management import call_command

    settings.STORAGES = PLAIN_STORAGES
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password=PASSWORD, stdout=open(os.devnull, "w"))  # noqa: SIM115
    problems = []
    counts = {}
    for username in ("admin", "tonghop", "canboxa", "daidienhtx"):
        context = browser.new_context(locale="vi-VN")
        before = len(list(shots.glob(f"{username}-*")))
        problems += tour(context, live_server.url, username, shots)
        counts[username] = (len(list(shots.glob(f"{username}-*"))) - before) // 2
        context.close()
    assert not problems, "\n".join(problems)
    # Each role saw its pages: the administrator the most, the representative a few.
    assert counts["admin"] >= 25, counts
    assert counts["tonghop"] >= 15, counts
    assert counts["canboxa"] >= 8, counts
    assert counts["daidienhtx"] >= 3, counts
