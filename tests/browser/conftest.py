"""What every browser test shares: Debian's Chromium launched by Playwright, the folder for
screenshots, and the ORM allowed inside Playwright's event loop."""

import os
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _async_unsafe_allowed(monkeypatch):
    """Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    test itself (set-up, checks) would otherwise be refused as "async unsafe". Scoped to
    these tests so that it never leaks into other tests or their subprocesses."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("KTTT_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def screenshot(page, path) -> None:  # type: ignore[no-untyped-def]
    """A full-page screenshot once the page has loaded; Chromium under load sometimes
    refuses the first capture ("Unable to capture screenshot"), so it is tried twice."""
    from playwright.sync_api import Error

    page.wait_for_load_state("load")
    try:
        page.screenshot(path=str(path), full_page=True)
    except Error:
        page.wait_for_timeout(500)
        page.screenshot(path=str(path), full_page=True)
