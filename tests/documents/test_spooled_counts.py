"""Spooled download counting (DOCUMENTS_COUNT_DOWNLOADS=spool): a line appended per download
on this machine, folded into the database in batches, losing none to a restart, a fold that
died, or writers appending while a fold takes the file aside."""

import io
import os
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents import counting, spooled_counts
from documents.models import DownloadDay
from tests.documents.conftest import download, downloads_of

pytestmark = pytest.mark.django_db


def test_a_spooled_download_writes_nothing_to_the_database_until_the_fold(client, paper, spool):
    with CaptureQueriesContext(connection) as queries:
        download(client, paper, times=3)
    client.head(paper.get_download_url())

    assert [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")] == []
    assert downloads_of(paper) == 0
    assert counting.waiting() == 3
    assert oct((spool / spooled_counts.PENDING).stat().st_mode & 0o777) == "0o600"
    assert oct(spool.stat().st_mode & 0o777) == "0o700"

    assert counting.flush() == 3
    assert downloads_of(paper) == 3
    assert DownloadDay.objects.get(document=paper, day=timezone.localdate()).count == 3
    assert counting.waiting() == 0
    assert counting.flush() == 0  # nothing is added twice
    assert sorted(p.name for p in spool.iterdir()) == [spooled_counts.LOCK]


def test_the_download_that_finds_the_batch_a_minute_old_folds_it(client, paper, spool):
    download(client, paper, times=2)
    with time_machine.travel(timezone.now() + timedelta(seconds=59)):
        download(client, paper)
    assert downloads_of(paper) == 0

    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        download(client, paper)

    assert downloads_of(paper) == 4
    assert counting.waiting() == 0


def test_a_fold_that_died_is_finished_by_the_next_and_nothing_is_lost(client, paper, spool):
    download(client, paper, times=2)
    # Where a dying fold stops: the batch taken aside, not yet in the database.
    os.rename(spool / spooled_counts.PENDING, spool / f"{spooled_counts.BATCH_PREFIX}1.log")
    download(client, paper, times=5)  # downloads go on meanwhile, into a new file

    assert counting.waiting() == 7
    assert counting.flush() == 7
    assert downloads_of(paper) == 7


def test_one_fold_at_a_time_on_a_machine(client, paper, spool):
    download(client, paper, times=4)
    with open(spool / spooled_counts.LOCK, "w") as held:
        spooled_counts.fcntl.flock(held, spooled_counts.fcntl.LOCK_EX)
        assert counting.flush() == 0
    assert downloads_of(paper) == 0

    call_command("flush_download_counts", stdout=io.StringIO())
    assert downloads_of(paper) == 4


def test_a_line_cut_short_is_skipped_and_said_the_rest_counted(client, paper, spool, caplog):
    download(client, paper, times=2)
    with open(spool / spooled_counts.PENDING, "ab") as file:
        file.write(f"{paper.pk} 2026-1".encode())  # a power cut mid-line

    assert counting.flush() == 2
    assert downloads_of(paper) == 2
    assert "damaged line 3" in caplog.text


def test_a_day_is_kept_when_the_fold_runs_the_next_day(client, paper, spool):
    download(client, paper, times=2)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        counting.flush()

    assert DownloadDay.objects.get(document=paper).day == timezone.localdate()


def test_writers_in_other_processes_lose_nothing_while_folds_take_the_file_aside(paper, spool):
    """Real processes appending as fast as they can while this one folds again and again."""
    writers, each = 4, 300
    children = []
    for _ in range(writers):
        pid = os.fork()
        if pid == 0:  # a worker process: counts only, never touches the database
            try:
                for _ in range(each):
                    spooled_counts.record(paper.pk, timezone.localdate())
            finally:
                os._exit(0)
        children.append(pid)
    folded = 0
    while children:
        folded += counting.flush()
        children = [pid for pid in children if os.waitpid(pid, os.WNOHANG) == (0, 0)]
    folded += counting.flush()

    assert folded == writers * each
    assert downloads_of(paper) == writers * each
