"""Board-ready Word documents and the year rollover."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/plans")
