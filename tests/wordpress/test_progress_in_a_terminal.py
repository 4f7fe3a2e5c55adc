"""In a terminal the command draws rich's progress bar (counts and time left), and still ends
with the summary table; the terminal is a real pseudo-terminal."""

import os
import pty
import threading

import pytest
from django.core.management import call_command

from tests.wordpress.conftest import SITE_EXPORT

pytestmark = pytest.mark.django_db


def test_a_terminal_gets_a_progress_bar_and_the_summary(uploads):
    main, secondary = pty.openpty()
    received = bytearray()

    def read_all():
        while True:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # the other end closed
                return
            if not chunk:
                return
            received.extend(chunk)

    reader = threading.Thread(target=read_all, daemon=True)
    reader.start()
    with os.fdopen(secondary, "w", encoding="utf-8") as terminal:
        call_command(
            "import_wordpress", str(SITE_EXPORT), "--media-dir", str(uploads), stdout=terminal
        )
    reader.join(timeout=5)
    os.close(main)
    output = received.decode("utf-8", "replace")
    assert "Posts" in output and "8/8" in output  # the bar: its label and count
    assert "\x1b[" in output  # drawn with terminal control codes, not plain lines
    assert "8 of 8 posts" not in output  # the plain lines are for non-terminals
    assert "created" in output and "unchanged" in output  # the summary table
