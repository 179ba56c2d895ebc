"""The form for adding files to an update already posted (the update form has its own file field)."""
from flask_wtf import FlaskForm
from wtforms import MultipleFileField


class AddFilesForm(FlaskForm):
    evidence = MultipleFileField("Files to attach")
