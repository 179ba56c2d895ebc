"""Security headers on every response: pages, static files, downloads, error pages and the calendar feed.

The Content-Security-Policy lets a page load scripts, styles, images, fonts and form posts from this
site only; no inline script or inline style runs (the layout's script is `static/js-enabled.js`, the
charts' SVG carries presentation attributes, not `style`). `data:` images are allowed: they are
inline bytes that cannot reach another host (no page uses one today). Strict-Transport-Security is
sent only when `BASE_URL` is https: it tells browsers to use only https with this host for a year,
which would lock them out of a plain-http install.
"""
from __future__ import annotations

from flask import Flask, Response, current_app

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
])
#: Browser features no page here uses, turned off for this site and anything it might embed.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
}
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"


def add_security_headers(response: Response) -> Response:
    """Set the headers unless a view chose its own value."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if str(current_app.config.get("BASE_URL", "")).startswith("https://"):
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    return response


def register_security_headers(app: Flask) -> None:
    app.after_request(add_security_headers)
