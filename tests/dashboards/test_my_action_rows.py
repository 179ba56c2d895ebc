"""My actions writes its table rows in Python (tracker.dashboards.action_rows): the same characters as the
shared action_table macro writes, with everything people typed escaped."""
from __future__ import annotations

from datetime import date, datetime

from tracker.actions.queries import ActionRow
from tracker.dashboards.action_rows import action_rows

TODAY = date(2024, 11, 1)


def _row(n: int, **values) -> ActionRow:
    defaults = dict(id=n, ref=f"1.{n}", text="Develop an inclusive recruitment toolkit", plan_year="2024-25",
                    theme_label=None, lead_text="", owner_names=("Dawn Ainsworth",), by_when="Dec 2024",
                    by_when_kind="month", due_on=date(2024, 12, 31), status=None, rag=None, last_update_at=None)
    return ActionRow(**{**defaults, **values})


ROWS = [
    _row(1),
    _row(2, text='<script>alert("x")</script> & Co\'s "panels"', ref="<b>2.1</b>", plan_year="2024-25 & <i>",
         lead_text="HR & OD <Director>", by_when="End of 'Q3' & <later>", by_when_kind="unparsed", due_on=None,
         status="ON <TRACK> & 'more'", rag="green", last_update_at=datetime(2024, 10, 30, 23, 30)),
    _row(3, text="x" * 150, owner_names=("Ann O'Neil", "Bob <Smith>"), due_on=date(2024, 10, 1), by_when="Oct 2024",
         status="DELAYED", rag="red", last_update_at=datetime(2024, 3, 31, 0, 30)),
    _row(4, text="y" * 143, due_on=date(2024, 10, 1), status="ACHIEVED", rag="blue"),
    _row(5, text="Word " * 40, by_when="", by_when_kind="empty", due_on=None, rag="amber", owner_names=()),
    _row(6, status="CANCELLED", rag="unknown-rating", due_on=date(2023, 1, 1)),
]


def _macro_rows(app, rows) -> str:
    template = app.jinja_env.from_string(
        '{% from "macros/actions.html" import action_table %}'
        '{{ action_table(rows, "Caption", today, show_plan=true, caption_visible=false) }}')
    html = template.render(rows=rows, today=TODAY)
    return html.split('<tbody class="nhsuk-table__body">\n    ', 1)[1].rsplit("\n    </tbody>", 1)[0]


def test_the_rows_are_the_macros_rows_character_for_character(app):
    with app.test_request_context("/my-actions"):
        assert str(action_rows(app.jinja_env, ROWS, TODAY)) == _macro_rows(app, ROWS)
        assert str(action_rows(app.jinja_env, [], TODAY)) == _macro_rows(app, []) == ""


def test_what_people_typed_is_escaped_and_long_text_truncated(app):
    with app.test_request_context("/my-actions"):
        html = str(action_rows(app.jinja_env, ROWS, TODAY))
    assert "<script>" not in html and "<b>" not in html and "<Director>" not in html and "<Smith>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co&#39;s" in html
    assert ">&lt;b&gt;2.1&lt;/b&gt;</a>" in html and "HR &amp; OD &lt;Director&gt;" in html
    assert "ON &lt;TRACK&gt; &amp; &#39;more&#39;" in html and "(2024-25 &amp; &lt;i&gt;)" in html
    assert "Ann O&#39;Neil; Bob &lt;Smith&gt;" in html
    assert "x" * 150 not in html and "y" * 143 in html, "the macro's truncate(140) with its leeway of 5"
    assert html.count('<span class="app-overdue">Overdue</span>') == 1, "1.3 only: 1.4 is blue, 1.6 cancelled"
    assert "Date not recognised" in html and "Not set" in html and "None yet" in html
    assert '<strong class="nhsuk-tag nhsuk-tag--red">' in html and ">Red</strong>" in html
