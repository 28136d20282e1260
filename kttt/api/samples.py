"""Code samples of the operations (`x-codeSamples` in the OpenAPI document, shown by
docs/api.md and by Redoc). The Python sample of the indicators is the script that
tests/api/test_api_docs.py runs against the demo: it must keep working."""

from typing import Any

INDICATORS_CURL = """\
curl -H "Authorization: Bearer $KTTT_TOKEN" \\
  "http://127.0.0.1:8000/api/v1/indicators?year=2021&area=109"
"""

# The script of docs/api.md: the demo district's cooperatives and its 2021 figures (the
# plan's section II), with the standard library only.
INDICATORS_PYTHON = """\
import json
import os
import urllib.request

BASE = os.environ.get("KTTT_URL", "http://127.0.0.1:8000")
TOKEN = os.environ["KTTT_TOKEN"]


def get(path):
    request = urllib.request.Request(BASE + path, headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


cooperatives, page = [], 1
while True:
    answer = get(f"/api/v1/cooperatives?area=109&on=2021-12-31&page={page}&per_page=100")
    cooperatives += answer["items"]
    if page * answer["per_page"] >= answer["count"]:
        break
    page += 1
print(f"{len(cooperatives)} HTX, tổ hợp tác trong sổ của Huyện Phong Thổ cuối năm 2021")

figures = get("/api/v1/indicators?year=2021&area=109")["indicators"]
print(f"Năm 2021: {figures['coops_active']} HTX đang hoạt động")
print(f"Thành viên: {figures['members']}")
print(f"Vốn điều lệ: {figures['capital']} triệu đồng")
print(f"Thu nhập bình quân: {figures['income_avg']:.1f} triệu đồng/người/năm")
"""


def samples(curl: str, python: str) -> dict[str, Any]:
    return {
        "x-codeSamples": [
            {"lang": "sh", "label": "curl", "source": curl},
            {"lang": "python", "label": "Python", "source": python},
        ]
    }
