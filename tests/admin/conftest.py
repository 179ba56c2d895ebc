"""Fixtures for the admin screens: a signed-in EDI lead."""
import pytest


@pytest.fixture
def admin(make_user):
    return make_user("admin", name="Zara Ahmed", email="zara.ahmed@example.org", job_title="EDI Lead")


@pytest.fixture
def admin_client(client, admin, sign_in):
    """The test client, signed in as the admin."""
    return sign_in(admin)
