"""Two app servers behind one nginx, sharing PostgreSQL, Redis and S3 (issue 14).

Two gunicorns on their own ports, one nginx with both as upstream servers, one PostgreSQL
database (its own name), Redis database 8 (the shared cache and the deferred download counts)
and moto's S3 server for the media. Each test speaks to each server directly where "through
one, then the other" matters. Skips, saying why, where PostgreSQL, Redis, nginx or moto is
missing; CI has them all.
"""

import concurrent.futures
import http.cookiejar
import json
import os
import re
import signal
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import psycopg
import pytest

from tests import s3, servers

pytestmark = pytest.mark.slow

POSTGRES = os.environ.get("TEST_POSTGRES_SERVER", "postgres://postgres@127.0.0.1:5432")
DATABASE_NAME = "imroc_scaleout_two_servers"
REDIS_URL = servers.REDIS_URL
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131"
PASSWORD = "correct horse battery"
# A post set up to appear this long after the content is made: hidden while the first test
# runs, shown by the time the last one does (the tests between take longer than this).
SCHEDULED_SECONDS = 30

_CONTENT = """
import json, sys
import django
django.setup()
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from comments.models import DiscussionSettings, ModeratorPreference
from documents.models import Document
from news.models import Post
from tests.factories import make_document, make_post, make_staff, pdf_bytes
DiscussionSettings.objects.filter(pk=1).update(hold_for_moderation=True)
post = make_post(title="Recovery colleges", slug="recovery-colleges")
later = make_post(status=Post.Status.PUBLISHED, title="Later", slug="later", days_ago=0)
later.published_at = timezone.now() + timedelta(seconds=float(sys.argv[1]))
later.save()
paper = make_document(title="The business case", content=pdf_bytes(padding=30_000))
moderator = make_staff(get_user_model(), "Moderators", "dana")
moderator.email = "dana@example.org"
moderator.save()
ModeratorPreference.objects.create(user=moderator, delivery="daily")
print(json.dumps({
    "post": post.get_absolute_url(), "reply": reverse("comments:post", args=[post.pk]),
    "later": later.get_absolute_url(), "paper": paper.get_download_url(), "paper_id": paper.pk,
    "paper_key": paper.file.name,
}))
"""


def _postgres_database() -> str:
    try:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3) as db:
            db.execute(f"DROP DATABASE IF EXISTS {DATABASE_NAME} WITH (FORCE)")
            db.execute(f"CREATE DATABASE {DATABASE_NAME}")
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is not running at {POSTGRES} ({error}): two servers need it")
    return f"{POSTGRES}/{DATABASE_NAME}"


def _nginx_config(folder: Path, port: int, app_ports: list[int]) -> Path:
    """One nginx in front of both: round robin, telling which server answered (X-Upstream)."""
    upstreams = "".join(f"        server 127.0.0.1:{app_port};\n" for app_port in app_ports)
    temp = folder / "nginx-temp"
    temp.mkdir(exist_ok=True)
    user = "user root;" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(f"""
{user}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    upstream site {{
{upstreams}    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://site;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
""")
    return config


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # It brings its own PostgreSQL database whatever the suite's: once per CI run is enough.
        pytest.skip("the two-server test ran in the SQLite run already (it uses PostgreSQL)")
    if not servers.NGINX:
        pytest.skip("nginx is not installed: the two servers are put behind it")
    database_url = _postgres_database()
    servers.emptied_redis("two servers share it")
    folder = tmp_path_factory.mktemp("two-servers")
    with s3.s3_server() as endpoint:
        bucket = s3.create_bucket(endpoint, "two-servers")
        env = servers.site_environment(
            folder,
            database_url,
            REDIS_URL=REDIS_URL,
            TASKS_QUEUE="database",
            DOCUMENTS_COUNT_DOWNLOADS="deferred",
            COMMENTS_MIN_SECONDS="0",
            COMMENTS_FLOOD_SECONDS="0",
            **s3.environment(endpoint, bucket),
        )
        servers.manage(env, "migrate", "--no-input")
        servers.manage(env, "collectstatic", "--no-input")
        content = json.loads(servers.manage(env, "-c", _CONTENT, str(SCHEDULED_SECONDS)).stdout)
        scheduled_at = time.monotonic() + SCHEDULED_SECONDS
        first, first_port = servers.start_gunicorn(env, workers=1, threads=2)
        second, second_port = servers.start_gunicorn(env, workers=1, threads=2)
        front_port = servers.free_port()
        nginx = servers.start_nginx(
            _nginx_config(folder, front_port, [first_port, second_port]), front_port
        )
        try:
            yield {
                "env": env,
                "one": f"http://127.0.0.1:{first_port}",
                "two": f"http://127.0.0.1:{second_port}",
                "front": f"http://127.0.0.1:{front_port}",
                "ports": {first_port, second_port},
                "gunicorn": first,
                "scheduled_at": scheduled_at,
                "endpoint": endpoint,
                "bucket": bucket,
                **content,
            }
        finally:
            servers.stop(nginx, first, second)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """A browser of sorts: its own cookies (sent to both servers: cookies ignore the port)."""

    def __init__(self, follow_redirects: bool = True):
        self.cookies = http.cookiejar.CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(self.cookies)]
        if not follow_redirects:
            handlers.append(_NoRedirect())
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, url: str, data: dict | None = None, **headers):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, body, {"User-Agent": BROWSER, **headers})
        try:
            with self.opener.open(request, timeout=20) as answer:  # nosec B310 # loopback
                return answer.status, answer.headers, answer.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    def text(self, url: str) -> str:
        status, _, body = self.request(url)
        assert status == 200, (url, status)
        return body.decode()


class _Form(HTMLParser):
    """The named fields of the form sent to `action`, with the values the page gave them."""

    def __init__(self, action: str):
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            action = re.split(r"[?#]", attributes.get("action") or "")[0]
            self.inside = action == self.action
        elif (
            self.inside
            and tag in ("input", "textarea")
            and attributes.get("name")
            and attributes.get("type") not in ("checkbox", "submit")
        ):
            self.fields[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def form_fields(page: str, action: str) -> dict:
    parser = _Form(action)
    parser.feed(page)
    assert parser.fields, f"no form sent to {action}"
    return parser.fields


def sign_in(visitor: Visitor, server: str, username: str = "dana") -> None:
    page = visitor.text(f"{server}/admin/login/")
    fields = form_fields(page, "/admin/login/")
    fields.update(username=username, password=PASSWORD, next="/admin/")
    status, _, _ = visitor.request(f"{server}/admin/login/?next=/admin/", fields)
    assert status == 200, status


def python(site, code: str) -> str:
    return servers.manage(site["env"], "-c", f"import django\ndjango.setup()\n{code}").stdout


def both_servers(site) -> tuple[str, str]:
    return site["one"], site["two"]


def test_a_scheduled_post_is_hidden_on_both_servers_before_its_time(site):
    assert time.monotonic() < site["scheduled_at"] - 1, "the set-up took longer than expected"
    assert {Visitor().request(f"{server}{site['later']}")[0] for server in both_servers(site)} == {
        404
    }


def test_nginx_spreads_the_requests_over_both_servers(site):
    answered_by = set()
    for _ in range(6):
        status, headers, _ = Visitor().request(f"{site['front']}{site['post']}")
        assert status == 200
        answered_by.add(int(headers["X-Upstream"].rsplit(":", 1)[1]))

    assert answered_by == site["ports"]


def test_a_signed_in_session_works_on_both_servers(site):
    visitor = Visitor()
    sign_in(visitor, site["one"])

    for server in (site["one"], site["two"]):
        status, _, body = Visitor.request(visitor, f"{server}/admin/")
        assert status == 200
        assert "dana" in body.decode(), server  # the admin greets the signed-in user
    assert Visitor().request(f"{site['two']}/admin/")[0] == 200  # the login page, for others
    assert "dana" not in Visitor().text(f"{site['two']}/admin/login/")


def test_a_reply_posted_through_one_is_moderated_through_the_other_and_shown_by_both(site):
    writer = Visitor()
    page = writer.text(f"{site['one']}{site['post']}")
    fields = form_fields(page, site["reply"])
    fields.update(name="Robin", email="robin@example.org", text="Peer support works here too.")
    status, _, _ = writer.request(f"{site['one']}{site['reply']}", fields)
    assert status == 200
    assert "Peer support works here too." not in Visitor().text(f"{site['two']}{site['post']}")

    moderator = Visitor()
    sign_in(moderator, site["two"])
    changelist = f"{site['two']}/admin/comments/comment/"
    waiting = moderator.text(f"{changelist}?status__exact=pending")
    assert "Peer support works here too." in waiting
    reply_id = re.search(r'name="_selected_action" value="(\d+)"', waiting).group(1)
    token = form_fields(waiting, "")["csrfmiddlewaretoken"]
    data = {"action": "approve", "_selected_action": [reply_id], "csrfmiddlewaretoken": token}
    status, _, body = moderator.request(changelist, data)
    assert status == 200 and "1 reply approved." in body.decode()

    for server in (site["one"], site["two"], site["front"]):
        assert "Peer support works here too." in Visitor().text(f"{server}{site['post']}")


def kill_workers(master) -> None:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    assert children, "gunicorn has no worker to kill"
    for pid in children:
        os.kill(int(pid), signal.SIGKILL)
    deadline = time.monotonic() + 30
    while set(Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()) in (
        set(),
        set(children),
    ):
        assert time.monotonic() < deadline, "gunicorn started no new worker"
        time.sleep(0.2)


_FLUSH_AND_COUNT = """
from django.core.management import call_command
from documents.models import Document
call_command("flush_download_counts")
print(Document.objects.get(pk={pk}).download_count)
"""


def test_downloads_counted_on_both_servers_add_up_and_come_from_s3(site):
    expected = (
        s3.client(site["endpoint"])
        .get_object(Bucket=site["bucket"], Key=site["paper_key"])["Body"]
        .read()
    )
    for server, times in ((site["one"], 3), (site["two"], 2)):
        for _ in range(times):
            status, _, body = Visitor().request(f"{server}{site['paper']}")
            assert status == 200  # after the redirect to the signed address at the bucket
            assert body == expected
    # The first server's worker dies without a chance to save anything (as in a crash or an
    # OOM kill) and its master starts another: the counts were never in the process.
    kill_workers(site["gunicorn"])
    assert Visitor().request(f"{site['one']}{site['post']}")[0] == 200

    # The flush (cron's, every minute) and then the paper's total, in one process.
    output = python(site, _FLUSH_AND_COUNT.format(pk=site["paper_id"]))

    assert output.splitlines() == ["Added 5 downloads to the database.", "5"]


_WAITING_REPLY = """
from comments.models import Comment
from news.models import Post
from tests.factories import make_comment
make_comment(Post.objects.get(slug="recovery-colleges"), status=Comment.Status.PENDING)
"""


def test_the_digest_is_queued_once_and_sent_once_whichever_workers_run(site):
    def on_each_machine(*command):
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            runs = [pool.submit(servers.manage, site["env"], *command) for _ in range(2)]
            return [run.result().stdout for run in runs]

    python(site, _WAITING_REPLY)
    queued = on_each_machine("send_moderation_digest")
    sent = on_each_machine("db_worker", "--batch", "--no-startup-delay")

    assert sum("already queued" in output for output in queued) == 1, queued
    digests = sum(len(re.findall(r"^Subject: .*waiting for moderation", o, re.M)) for o in sent)
    assert digests == 1, sent


def test_a_scheduled_post_appears_on_both_servers_at_its_time(site):
    """Publishing is the post's own time, read from the one database: no job on either server
    to run (or run twice). Hidden until then on both (the first test), then shown by both."""
    time.sleep(max(0.0, site["scheduled_at"] - time.monotonic()) + 0.5)

    assert {Visitor().request(f"{server}{site['later']}")[0] for server in both_servers(site)} == {
        200
    }
