"""Templates are read and compiled once per process: Django's cached loader wraps the others
(its default when TEMPLATES names no loaders), as every drawn page depends on it."""

from django.template import engines


def test_templates_are_compiled_once_per_process():
    engine = engines["django"].engine
    assert engine.loaders[0][0] == "django.template.loaders.cached.Loader"
