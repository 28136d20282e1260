"""Response headers of a production site that Django does not set itself (issue 11).

- `Permissions-Policy`: KTTT uses no camera, microphone, location or other device API, so
  the browser refuses them to the pages (and to anything injected into one).
- `Cache-Control: private, no-store` on every answer that sets no Cache-Control of its own:
  the pages of a logged-in user (figures, names, links to set a password) must not stay in
  a shared cache or the browser's disk cache. An answer that decides for itself keeps its
  header: the API's `private, no-cache` with an ETag (kttt/api/core.py, so that 304 still
  works), the evidence download's own `private, no-store`. Static files never reach this
  middleware (WhiteNoise answers them first, with its own long cache).

The Content-Security-Policy comes from django-csp (settings.CONTENT_SECURITY_POLICY);
Referrer-Policy and Cross-Origin-Opener-Policy from Django's SecurityMiddleware.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
NO_STORE = "private, no-store"


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cache-Control", NO_STORE)
        return response
