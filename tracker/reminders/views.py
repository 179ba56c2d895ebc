"""Reminder settings, the outbox and calendar feeds."""
from flask import Blueprint

bp = Blueprint("reminders", __name__, url_prefix="/reminders")
