"""Running the site for real, outside the test process: gunicorn, nginx, and manage.py.

Used by the real-server tests (tests/documents/test_real_servers.py, through the fixtures of
tests/documents/conftest.py, and tests/site/test_nginx_front.py) and by the benchmarks
(tests/benchmarks/downloads.py, tests/benchmarks/front.py). nginx runs the shipped
deploy/nginx/ configuration with only its addresses and folders changed.
Neither a test module nor a benchmark: plain helpers, so both can import them. Over 250
lines because every real server the tests start is here, so each is started one way.
"""

import contextlib
import getpass
import http.client
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
import redis

ROOT = Path(__file__).resolve().parents[1]
# Redis database 8 is the suite's own (deferred download counts, the two-server test).
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/8")
GUNICORN = Path(sys.executable).with_name("gunicorn")
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
NGINX_DEPLOY = ROOT / "deploy" / "nginx"


def emptied_redis(needed_for: str) -> redis.Redis:
    """The suite's Redis database, emptied; the test is skipped, saying what for, where Redis
    does not run."""
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not running at {REDIS_URL}: {needed_for}")
    connection.flushdb()
    return connection


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, name: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{name} did not listen on 127.0.0.1:{port} within {timeout}s")


def site_environment(folder: Path, database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a production-like site whose files live in `folder`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DEBUG="false",
        SECRET_KEY="downloads-benchmark-key",
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(folder / "media"),
        STATIC_ROOT=str(folder / "static"),
        LOG_LEVEL="WARNING",
    )
    env.update(settings)
    return env


_ADD_PAPERS = """
import json, os, sys
import django
django.setup()
from django.core.files import File
from documents.models import Document
added = {}
for key, (title, path, visibility) in json.loads(sys.argv[1]).items():
    with open(path, "rb") as content:
        file = File(content, name=os.path.basename(path))
        document = Document(title=title, file=file, visibility=visibility)
        document.save()
    added[key] = {"id": document.pk, "url": document.get_download_url(), "name": document.file.name}
print(json.dumps(added))
"""


def manage(env: dict[str, str], *command: str) -> subprocess.CompletedProcess:
    """Run Python (`-c` and its arguments) or manage.py with the site's environment."""
    arguments = command if command[0] == "-c" else ("manage.py", *command)
    return subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "imroc_site.settings"},
        check=True,
        capture_output=True,
        text=True,
    )


def prepare_site(env: dict[str, str], papers: dict[str, tuple]) -> dict[str, dict]:
    """Migrate the database, collect static files (the error pages need them) and add papers
    {key: (title, file[, visibility])}.

    Returns {key: {"id", "url", "name"}}, name being the file's name under MEDIA_ROOT.
    """
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    rows = {
        key: (title, str(path), *rest, "public")[:3] for key, (title, path, *rest) in papers.items()
    }
    return json.loads(manage(env, "-c", _ADD_PAPERS, json.dumps(rows)).stdout)


def start_gunicorn(env: dict[str, str], *extra: str, workers: int = 2, threads: int = 4):
    """gunicorn serving the site on a free loopback port: (process, port)."""
    port = free_port()
    command = [GUNICORN, "imroc_site.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--threads", str(threads), *extra]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    wait_for_port(port, process, "gunicorn")
    return process, port


def _substitute(text: str, old: str, new: str) -> str:
    if text.count(old) != 1:
        raise ValueError(f"deploy/nginx/imroc.conf should contain {old!r} exactly once")
    return text.replace(old, new)


def shipped_site(
    folder: Path, *, proxy_port: int, app_port: int, media_root: Path, static_root: Path
) -> str:
    """The shipped deploy/nginx/imroc.conf with only its machine-specific lines changed: the
    addresses it listens on (its compressing server's on a free port), gunicorn's, and the
    folders under /srv/imroc/, /var/cache/ and /var/log/.
    Its snippets are copied beside the nginx.conf, where its relative `include`s find them."""
    shutil.copytree(NGINX_DEPLOY / "snippets", folder / "snippets", dirs_exist_ok=True)
    site = (NGINX_DEPLOY / "imroc.conf").read_text()
    compressing = free_port()
    for old, new in (
        ("listen 80;", f"listen 127.0.0.1:{proxy_port};"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("listen 127.0.0.1:8001;", f"listen 127.0.0.1:{compressing};"),
        ("server 127.0.0.1:8001;", f"server 127.0.0.1:{compressing};"),
        ("access_log /var/log/nginx/access.log ", f"access_log {folder}/access.log "),
        ("alias /srv/imroc/var/media/;", f"alias {media_root}/;"),
        ("alias /srv/imroc/var/static/;", f"alias {static_root}/;"),
        ("proxy_cache_path /var/cache/nginx/imroc ", f"proxy_cache_path {folder}/cache "),
    ):
        site = _substitute(site, old, new)
    return site


def nginx_config(
    folder: Path,
    *,
    media_root: Path,
    proxy_port: int,
    app_port: int,
    static_port: int | None,
    static_root: Path | None = None,
    static_files: Path | None = None,
    static_headers: dict[str, str] | None = None,
) -> Path:
    """An nginx.conf in `folder`: the shipped site (deploy/nginx/) on `proxy_port` in front of
    gunicorn on `app_port`, and with `static_port` a plain server of MEDIA_ROOT under /media/
    and of `static_files` (copies of pages, for comparisons) under /copies/, sent with
    `static_headers` (with `name.gz` beside a copy, to visitors who take gzip). The http block
    is Debian's nginx.conf in what matters here: it says `gzip on`."""
    site = shipped_site(
        folder,
        proxy_port=proxy_port,
        app_port=app_port,
        media_root=media_root,
        static_root=static_root or folder / "static",
    )
    static = ""
    if static_port:
        added = "".join(
            f'add_header {name} "{value}";' for name, value in (static_headers or {}).items()
        )
        copies = (
            f"location /copies/ {{ alias {static_files}/; gzip_static on; {added} }}"
            if static_files
            else ""
        )
        # Served as well as nginx serves static files: the log and open files as the shipped
        # site's server has them, and a copy's .gz beside it sent to whoever takes gzip.
        static = f"""
    server {{
        listen 127.0.0.1:{static_port};
        access_log {folder}/static-access.log combined buffer=64k flush=1s;
        open_file_cache max=10000 inactive=60s;
        location /media/ {{
            alias {media_root}/;
        }}
        {copies}
    }}"""
    temp = folder / "nginx-temp"
    temp.mkdir(exist_ok=True)
    # As root, nginx's workers would otherwise switch to "nobody", who cannot read our folder.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    config = folder / "nginx.conf"
    config.write_text(f"""
{user}
daemon off;
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    gzip on;
    keepalive_requests 100000;
    types {{
        text/html html;
        text/css css;
        application/pdf pdf;
    }}
    default_type application/octet-stream;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
{static}
{site}
}}
""")
    return config


# What a server says of its own connection and of the file it sends, not of the page.
_TRANSPORT = {"server", "date", "content-length", "content-type", "connection", "etag"}
_TRANSPORT |= {"last-modified", "x-cache-status", "transfer-encoding", "keep-alive"}


def page_headers(port: int, path: str) -> dict[str, str]:
    """The headers of a page as the site sends it, but for those about transport and file."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return {name: value for name, value in response.getheaders() if name.lower() not in _TRANSPORT}


def nginx_version() -> str:
    version = subprocess.run([NGINX, "-v"], capture_output=True, text=True).stderr
    return version.strip().removeprefix("nginx version: ")


def start_nginx(config: Path, *ports: int) -> subprocess.Popen:
    check = subprocess.run([NGINX, "-t", "-c", str(config)], capture_output=True, text=True)
    if check.returncode:
        raise RuntimeError(f"nginx refused the configuration:\n{check.stderr}")
    process = subprocess.Popen(
        [NGINX, "-c", str(config), "-p", str(config.parent)], stderr=subprocess.DEVNULL
    )
    for port in ports:
        wait_for_port(port, process, "nginx")
    return process


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def throwaway_database(folder: Path, name: str):
    """A database URL on the engine the suite runs on (SQLite in `folder`, or a new database
    on the suite's PostgreSQL server), dropped afterwards."""
    suite = os.environ.get("DATABASE_URL", "")
    if not suite.startswith(("postgres://", "postgresql://", "pgsql://")):
        yield f"sqlite:///{folder / f'{name}.sqlite3'}"
        return
    database = f"{name}_{os.getpid()}"
    parts = urlsplit(suite)
    server = parts._replace(scheme="postgresql", path="/postgres", query="").geturl()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}"')
        connection.execute(f'CREATE DATABASE "{database}"')
    try:
        yield parts._replace(path=f"/{database}").geturl()
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


WRK = shutil.which("wrk")


def wrk(
    url: str, seconds: float, connections: int = 16, headers: dict[str, str] | None = None
) -> tuple[int, float, float]:
    """(requests, requests/s, wrk's own CPU seconds) that wrk (2 threads, keep-alive) got from
    `url`, sending `headers`; every answer must be 2xx or 3xx."""
    command = [WRK, "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "10s", url]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if failed:
        raise RuntimeError(f"{failed.group(1)} failed answers from {url}")
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return requests, float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), client


def worker_cpu_seconds(master: subprocess.Popen) -> float:
    """CPU seconds (user + system) used so far by the workers of gunicorn or nginx (the
    master's children), read from /proc."""
    total = 0
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15
    return total / os.sysconf("SC_CLK_TCK")
