"""The simulated users of the load benchmark (benchmarks/load_bench.py starts it; see there).

Readers: planning officers of a province (or of the demo's district) browsing the home
page, the cooperative list (first and later pages, a search), a cooperative's page, the
indicator pages and the API (indicators, cooperatives), with one to three seconds between
pages. Writers: planning officers saving the 2024 figures of cooperatives of their area
through the yearly form (each writer its own rows, so that they never overwrite each
other). The importer: the administrator uploading a workbook once, then confirming it.

Everything the users need is in the JSON file named by LOAD_USERS (written by
load_bench.py). Every answer other than 200 or a redirect counts as a failure.
"""

import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from locust import HttpUser, between, constant, events, task

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.forms import form_fields

SETUP: dict[str, Any] = json.loads(Path(os.environ["LOAD_USERS"]).read_text(encoding="utf-8"))
PASSWORD = SETUP["password"]
# Every request, one line each (seconds since the epoch at its end, name, milliseconds,
# failed): load_bench.py splits the figures into before, during and after the import.
REQUESTS = open(os.environ["LOAD_REQUESTS"], "a", encoding="utf-8")  # noqa: SIM115


@events.request.add_listener
def note(name: str, response_time: float, exception: Any, **_: Any) -> None:
    REQUESTS.write(f"{time.time():.3f}\t{name}\t{response_time:.1f}\t{int(bool(exception))}\n")


@events.quitting.add_listener
def closed(**_: Any) -> None:
    REQUESTS.close()


def log_in(user: HttpUser, username: str) -> None:
    page = user.client.get("/dang-nhap/", name="log in")
    fields = {**form_fields(page.text), "username": username, "password": PASSWORD}
    with user.client.post("/dang-nhap/", data=fields, name="log in", catch_response=True) as r:
        if "dang-xuat" not in r.text and "Đăng xuất" not in r.text:
            r.failure("not logged in")


class Reader(HttpUser):
    wait_time = between(1, 3)
    weight = 1

    def on_start(self) -> None:
        self.reader = random.choice(SETUP["readers"])
        self.codes = self.reader["codes"]
        self.area = self.reader["area"]
        self.token = {"Authorization": f"Bearer {self.reader['token']}"}
        log_in(self, self.reader["username"])

    @task(4)
    def home(self) -> None:
        self.client.get("/", name="home page")

    @task(3)
    def cooperative_list(self) -> None:
        page = random.choice([1, 1, 2, 5, 20])
        self.client.get(f"/htx/?page={page}", name="cooperative list")

    @task(1)
    def cooperative_search(self) -> None:
        self.client.get(
            f"/htx/?q={random.choice(['nông', 'dịch vụ', 'HTX 1'])}", name="cooperative list"
        )

    @task(2)
    def cooperative(self) -> None:
        self.client.get(f"/htx/{random.choice(self.codes)}/", name="cooperative page")

    @task(2)
    def indicators(self) -> None:
        self.client.get("/chi-tieu/", name="indicator pages")

    @task(1)
    def indicator(self) -> None:
        code = random.choice(["coops_active", "members", "reporting_rate_pct"])
        self.client.get(f"/chi-tieu/{code}/", name="indicator pages")

    @task(2)
    def api_indicators(self) -> None:
        year = random.choice([2023, 2024])
        self.client.get(
            f"/api/v1/indicators?year={year}&area={self.area}", headers=self.token, name="API"
        )

    @task(2)
    def api_cooperatives(self) -> None:
        page = random.choice([1, 2, 3])
        self.client.get(
            f"/api/v1/cooperatives?area={self.area}&page={page}&per_page=100",
            headers=self.token,
            name="API",
        )


WRITERS = int(os.environ.get("LOAD_WRITERS", "0"))


class Writer(HttpUser):
    wait_time = between(1, 3)
    # locust reads a fixed count of 0 as "by weight": without writers the class is left out.
    abstract = WRITERS == 0
    fixed_count = WRITERS

    def on_start(self) -> None:
        number = Writer.started = getattr(Writer, "started", 0) + 1
        self.writer = SETUP["writers"][(number - 1) % len(SETUP["writers"])]
        log_in(self, self.writer["username"])
        self.rows = list(self.writer["codes"])

    @task
    def save(self) -> None:
        code = random.choice(self.rows)
        address = f"/htx/{code}/so-lieu/2024/"
        page = self.client.get(address, name="yearly form")
        fields = form_fields(page.text)
        fields["members"] = str(random.randrange(7, 300))
        with self.client.post(
            address, data=fields, name="yearly save", catch_response=True, allow_redirects=False
        ) as r:
            if r.status_code != 302:
                r.failure(f"not saved: {r.status_code}")


class Importer(HttpUser):
    """Uploads the workbook once (the preview checks it), then confirms (checked again and
    written); then waits out the run."""

    wait_time = constant(3600)
    abstract = not SETUP.get("workbook")
    fixed_count = 1

    def on_start(self) -> None:
        log_in(self, SETUP["importer"])
        # Once every user has started and the figures are being counted.
        time.sleep(float(os.environ.get("LOAD_IMPORT_AFTER", "10")))

    @task
    def run_import(self) -> None:
        REQUESTS.write(f"{time.time():.3f}\timport starts\t0\t0\n")
        try:
            self.upload_and_confirm()
        finally:
            REQUESTS.write(f"{time.time():.3f}\timport ends\t0\t0\n")
            REQUESTS.flush()

    def upload_and_confirm(self) -> None:
        with open(SETUP["workbook"], "rb") as handle:
            page = self.client.post(
                "/nhap-excel/",
                files={"file": ("load.xlsx", handle)},
                data=form_fields(self.client.get("/nhap-excel/", name="import page").text),
                name="import: upload and check",
            )
        fields = form_fields(page.text)
        if "token" not in fields:
            events.request.fire(
                request_type="POST",
                name="import: upload and check",
                response_time=0,
                response_length=0,
                exception=RuntimeError("the preview found problems"),
            )
            return
        with self.client.post(
            "/nhap-excel/xac-nhan/", data=fields, name="import: confirm", catch_response=True
        ) as r:
            if "Đã nhập" not in r.text and "đã nhập" not in r.text:
                r.failure("not imported")
