import pytest


@pytest.fixture(autouse=True)
def _isolated_files(settings, tmp_path):
    """Uploads go to a fresh folder per test; static files need no collectstatic run."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
