"""`.env.example` lists exactly the variables the settings read, each with its default.

The settings record every variable they read (imroc_site/settings/environment.py), so a new
setting missing here, or a default changed on one side only, fails this test.
"""

import re
from pathlib import Path

from django.conf import settings

from imroc_site.settings import base

EXAMPLE = Path(settings.BASE_DIR) / ".env.example"
# `NAME=value`, or `# NAME=value` for an example where the default depends on the machine.
ENTRY = re.compile(r"^(?P<commented># ?)?(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$", re.M)


def as_written(default) -> str:
    """A default spelt as the environment gives it: true/false, comma-separated lists."""
    if isinstance(default, bool):
        return "true" if default else "false"
    if isinstance(default, list | tuple):
        return ",".join(map(str, default))
    return str(default)


def entries() -> list[re.Match]:
    return list(ENTRY.finditer(EXAMPLE.read_text(encoding="utf-8")))


def test_every_variable_read_is_listed_once_and_nothing_else():
    names = [entry["name"] for entry in entries()]
    assert len(names) == len(set(names)), "listed twice"
    read = set(base.env.defaults)
    assert not read - set(names), "read by the settings, missing from .env.example"
    assert not set(names) - read, "in .env.example, read by no setting"


def test_each_listed_value_is_the_settings_default():
    for entry in entries():
        default = as_written(base.env.defaults[entry["name"]])
        if entry["commented"]:
            # Only a default under the site's own folder is shown as a commented example.
            assert str(settings.BASE_DIR) in default, entry["name"]
        else:
            assert entry["value"] == default, entry["name"]
