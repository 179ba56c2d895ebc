"""WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi ...``."""
import gc

from tracker import create_app

app = create_app()
# Everything made while starting up (modules, templates, mappers, compiled queries) lives as long as
# the process. Kept out of the collector's full passes, which otherwise walk all of it a few times a
# request: about a third of a list page's instructions (plan page 74.7M → 49.2M at ICS size).
gc.freeze()
