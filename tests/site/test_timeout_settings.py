"""The timeouts that free a worker from a hung database or mail server, as the site starts
with them from the environment (issue 11, "Database hung", "Mail server down or hung")."""

import json
import os
import subprocess
import sys

from django.conf import settings

SHOW = (
    "import json; from django.conf import settings; "
    "print(json.dumps({'db': settings.DATABASES['default']['OPTIONS'], "
    "'mail': settings.MAILERS['default']['OPTIONS']}))"
)


def started_with(**env: str) -> dict:
    environment = {**os.environ, "SECRET_KEY": "test", "DEBUG": "false", **env}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SHOW],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_gets_connect_and_statement_timeouts_by_default():
    options = started_with(
        DATABASE_URL="postgres://imroc@127.0.0.1:5432/imroc",
        EMAIL_URL="smtp://mail.example.org:25",
    )
    assert options["db"]["connect_timeout"] == 5
    assert options["db"]["options"] == "-c statement_timeout=10s"
    assert options["mail"]["timeout"] == 10


def test_the_timeouts_follow_the_environment():
    options = started_with(
        DATABASE_URL="postgres://imroc@127.0.0.1:5432/imroc",
        DATABASE_CONNECT_TIMEOUT="3",
        DATABASE_STATEMENT_TIMEOUT="0",
        EMAIL_URL="smtp://mail.example.org:25",
        EMAIL_TIMEOUT="4",
    )
    assert options["db"]["connect_timeout"] == 3
    assert options["db"]["options"] == "-c statement_timeout=0s"  # PostgreSQL: no limit
    assert options["mail"]["timeout"] == 4
