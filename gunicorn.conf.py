"""gunicorn settings for serving the tracker (`make serve`; gunicorn also reads this file by itself when
started from this folder). Command-line options such as --bind and --workers override it.

gunicorn names itself in a `Server: gunicorn` header on every response, telling anyone probing the
service which server and so which known flaws to try. gunicorn has no setting for this, so the
response's default headers are wrapped here to leave that header out; the test in
tests/security/test_headers.py starts gunicorn with this file and reads the headers.
"""
from gunicorn.http import wsgi as _gunicorn_wsgi

bind = "127.0.0.1:8000"
workers = 2


def _without_server_header(default_headers):
    def headers(self):
        return [line for line in default_headers(self) if not line.lower().startswith("server:")]

    headers.leaves_out_server = True
    return headers


if not getattr(_gunicorn_wsgi.Response.default_headers, "leaves_out_server", False):
    _gunicorn_wsgi.Response.default_headers = _without_server_header(_gunicorn_wsgi.Response.default_headers)
