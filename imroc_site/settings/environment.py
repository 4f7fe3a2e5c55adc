"""The environment as the settings read it, with every name read and its default on record.

`.env.example` is checked against this record by tests/site/test_env_example.py, so a setting
read in the settings but missing from `.env.example`, or listed there with another default,
fails the suite instead of drifting.
"""

import environ


class RecordingEnv(environ.Env):
    """`environ.Env` that also keeps, in `defaults`, each variable read and its default."""

    def __init__(self, **scheme):
        super().__init__(**scheme)
        self.defaults: dict[str, object] = {}

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        # Every typed reader (str, int, bool, list, db, email, path...) comes through here.
        self.defaults[var] = default
        return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
