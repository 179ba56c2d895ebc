"""WRES indicators: data packs, results and their pages."""
from flask import Blueprint

bp = Blueprint("indicators", __name__, url_prefix="/indicators")
