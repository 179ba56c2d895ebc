"""Error pages: clear messages, never a stack trace."""
from flask import Flask, abort, current_app, g, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from tracker.extensions import db, login_manager

MESSAGES = {
    400: ("There is a problem with your request", "The request could not be understood. Go back and try again."),
    403: ("You do not have permission to do this", "Your account cannot view or change this page. Ask the EDI lead if you think you should."),
    404: ("Page not found", "If you typed the web address, check it is correct. If you pasted it, check you copied all of it."),
    405: ("This page cannot be used that way", "Go back and try again."),
    409: ("Someone else saved this at the same moment", "Nothing you sent was saved. Go back, reload the page to see "
          "their change, and make yours again."),
    413: ("The file is too large", "Files must be smaller than 20 MB."),
    429: ("Too many attempts", "Wait a minute, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later. The problem has been logged."),
    503: ("Sorry, the service is unavailable", "The database cannot be reached. Try again in a few minutes."),
}


def render_error(code: int, detail: str | None = None):
    title, body = MESSAGES[code]
    return render_template("errors/error.html", title=title, body=detail or body, code=code), code


def refuse_nul_characters() -> None:
    """Text fields never contain NUL; PostgreSQL cannot store it, so refuse it up front (400)."""
    if any("\x00" in value for _key, value in request.args.items(multi=True)):
        abort(400)
    if request.method == "POST" and any("\x00" in value for _key, value in request.form.items(multi=True)):
        abort(400)


def page_without_trailing_slash():
    """`/plans/1/` for `/plans/1`: a redirect (308, keeping the method and query) when the address
    without its trailing slashes is a page here, so links typed or pasted with one still work."""
    path = request.path
    if path == "/" or not path.endswith("/") or path.startswith("//"):
        return None
    target = path.rstrip("/") or "/"
    try:
        current_app.url_map.bind_to_environ(request.environ).match(target, method=request.method)
    except HTTPException:
        return None
    query = request.query_string.decode("latin-1")
    return redirect(request.script_root + target + ("?" + query if query else ""), code=308)


def not_found(_error):
    return page_without_trailing_slash() or render_error(404)


def too_large(_error):
    """413, saying the limits of the page the file was sent to when it has its own."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    message = getattr(view, "too_large_message", None)
    return render_error(413, message() if message else None)


def register_error_handlers(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    for code in (400, 403, 405, 429, 500):
        app.register_error_handler(code, lambda error, code=code: render_error(code))
    app.register_error_handler(413, too_large)
    app.register_error_handler(404, not_found)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "The form expired or was sent from another page. Go back, reload it and try again.")

    @app.errorhandler(StaleDataError)
    def saved_at_the_same_moment(error):
        """Two saves of one row in the same instant: the database's version check stops the second,
        after the form's own check passed. Nothing of it is kept."""
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        db.session.rollback()
        app.logger.error("Database unavailable: %s", error)
        g._login_user = login_manager.anonymous_user()  # the page must not ask the database who is signed in
        return render_error(503)
