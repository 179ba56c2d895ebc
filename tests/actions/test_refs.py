"""Action refs sort as people read them, in Python and (as a string) in the database."""
from hypothesis import given
from hypothesis import strategies as st

from tracker.actions.queries import PAGE_SIZE, requested_page
from tracker.actions.refs import ref_key, ref_order
from tracker.templating import page_numbers

part = st.one_of(st.integers(min_value=0, max_value=999_999_999).map(str),
                 st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=4))
refs = st.lists(part, min_size=1, max_size=4).map(".".join)


def test_refs_sort_numbers_by_value_and_parents_before_children():
    given_refs = ["1.10", "2", "1.2", "10.1", "1", "1.2.3", "3a", "1.1a", "2.1"]
    expected = ["1", "1.2", "1.2.3", "1.10", "1.1a", "2", "2.1", "10.1", "3a"]
    assert sorted(given_refs, key=ref_key) == expected
    assert sorted(given_refs, key=ref_order) == expected


def test_dashes_and_spaces_separate_parts_like_dots():
    assert ref_order("1-2") == ref_order("1 2") == ref_order("1.2") == "0000000001.0000000002"


@given(st.lists(refs, min_size=2, max_size=20))
def test_the_database_order_is_the_python_order(many):
    assert [ref_key(r) for r in sorted(many, key=ref_order)] == sorted(ref_key(r) for r in many)


def test_page_numbers_show_the_ends_and_the_neighbours_with_gaps():
    assert page_numbers(1, 1) == [1]
    assert page_numbers(1, 3) == [1, 2, 3]
    assert page_numbers(5, 10) == [1, None, 4, 5, 6, None, 10]
    assert page_numbers(10, 10) == [1, None, 9, 10]
    assert page_numbers(2, 10) == [1, 2, 3, None, 10]


def test_the_requested_page_is_a_number_or_all_and_anything_else_is_the_first():
    assert requested_page({}) == (1, PAGE_SIZE)
    assert requested_page({"page": "3"}) == (3, PAGE_SIZE)
    assert requested_page({"page": "all"}) == (1, None)
    for odd in ("-2", "two", "", "1.5"):
        assert requested_page({"page": odd}) == (1, PAGE_SIZE)
