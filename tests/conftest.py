import pytest

from tests import migration_data


def pytest_collection_modifyitems(config, items):
    """A test that starts a live server (a real server thread and committed data) is `slow`.

    Browser tests are marked in tests/browser/conftest.py; tests that start gunicorn or nginx
    are marked where they are written.
    """
    for item in items:
        if "live_server" in item.fixturenames:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Uploads go to a fresh folder per test (static files: see imroc_site/settings/test.py)."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _migration_data_in_transactional_tests(request):
    """Tests with committed rows start after an earlier one's flush: give them back what the
    data migrations made (see tests/migration_data.py)."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        migration_data.ensure_all()
