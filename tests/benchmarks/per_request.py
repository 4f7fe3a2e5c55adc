"""Benchmark: server CPU per request, this site beside a minimal Wagtail 8 site and nginx.

    .venv/bin/python tests/benchmarks/per_request.py [--posts 1000] [--replies 20]
        [--requests 300] [--connections 8] [--profile]

Issue 14 measures the app server in CPU milliseconds per request, the one yardstick that holds
still on a shared machine, and every target as a ratio to a peer measured in the same run. So
this script, in one run and in a temporary folder:

- fills this site (SQLite, DEBUG off) with --posts published posts of --replies approved replies
  each and a 384,000-byte PDF (`manage.py load_benchmark_content`), and serves it with gunicorn,
  2 sync workers, downloads answered with X-Accel-Redirect (the bytes are nginx's to send);
- fills a minimal Wagtail 8 site (tests/benchmarks/wagtail_peer/: a news index, posts with a
  rich-text body, the same paper, approved replies and a reply form) with the same content and
  serves it the same way, from a virtual environment of its own (var/bench/wagtail-venv, made
  with pip on first use: Wagtail is never a dependency of this project);
- serves byte-identical static copies of our list page, post page and PDF with nginx.

For the list, a post page (each as a cookieless visitor gets it, and as rendered for a visitor
with a cookie), the PDF and a POST reply it sends --requests requests over
--connections connections to each, and reads the CPU time (user + system, from /proc) the
server's worker processes spent, giving ms of CPU per request, beside requests per second.
With --profile it also prints where our site spends its time on each page (cProfile, in
process, the top functions by cumulative time). Not a test: a script that prints figures.
"""

import argparse
import getpass
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Run as a script, so the project (and its tests.servers) must be put on the path first.
sys.path.insert(0, str(ROOT))

from imroc_site.demo.pdf import make_pdf  # noqa: E402
from tests.servers import (  # noqa: E402
    free_port,
    manage,
    site_environment,
    start_gunicorn,
    start_nginx,
    stop,
    wait_for_port,
)

PEER = Path(__file__).resolve().parent / "wagtail_peer"
PEER_VENV = ROOT / "var" / "bench" / "wagtail-venv"
WAGTAIL = "wagtail==8.0.1"
PDF_BYTES = 384_000
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# A cookie no site knows: ours then renders the page for this visitor instead of serving the
# copy it keeps for cookieless visitors (Wagtail renders every time either way).
RENDER = "benchmark=1"


# --- Servers -------------------------------------------------------------------------------


def ensure_peer_venv() -> Path:
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        print(f"Installing {WAGTAIL} into {PEER_VENV} (once)…", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", WAGTAIL, "gunicorn"], check=True)
    return python


def start_ours(folder: Path, posts: int, replies: int, pdf: Path):
    env = site_environment(
        folder,
        f"sqlite:///{folder / 'db.sqlite3'}",
        DOCUMENTS_SERVE_WITH="x-accel-redirect",
        # One client sends every reply: no flood limit, as a site's many visitors would meet.
        COMMENTS_FLOOD_SECONDS="0",
        COMMENTS_HOURLY_LIMIT="100000000",
        ALLOWED_HOSTS="127.0.0.1",
        # As in production (deploy/production.env.example): emails are queued, not sent inline.
        TASKS_QUEUE="database",
    )
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    manage(
        env,
        "load_benchmark_content",
        f"--posts={posts}",
        f"--replies-per-post={replies}",
        "--papers=1",
        f"--paper-bytes={PDF_BYTES}",
    )
    found = manage(
        env,
        "-c",
        "import django, json; django.setup();"
        "from documents.models import Document; from news.models import Post;"
        "post = Post.objects.published().order_by('pk')[len(Post.objects.all()) // 2];"
        "print(json.dumps({'post': post.get_absolute_url(), 'post_id': post.pk,"
        " 'pdf': Document.objects.get().get_download_url()}))",
    )
    paths = json.loads(found.stdout)
    process, port = start_gunicorn(env, workers=2, threads=1)
    return process, port, paths, env


def start_peer(folder: Path, posts: int, replies: int, pdf: Path):
    python = ensure_peer_venv()
    env = {**os.environ, "PEER_DATA": str(folder), "PYTHONPATH": str(PEER)}
    env.pop("DJANGO_SETTINGS_MODULE", None)

    def run(*command: str) -> None:
        subprocess.run(
            [python, "manage.py", *command], cwd=PEER, env=env, check=True, capture_output=True
        )

    run("migrate", "--no-input")
    run("collectstatic", "--no-input")
    run("seed_peer", f"--posts={posts}", f"--replies-per-post={replies}", f"--pdf={pdf}")
    port = free_port()
    process = subprocess.Popen(
        [
            python.with_name("gunicorn"),
            "peer.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        cwd=PEER,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    wait_for_port(port, process, "gunicorn (Wagtail)")
    half = posts // 2
    return process, port, {"post": f"/bench-{half}/", "pdf": "/documents/1/paper.pdf"}


NGINX_CONFIG = """
{user}
daemon off;
worker_processes 2;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {folder}/nginx-tmp;
    sendfile on;
    types {{ text/html html; application/pdf pdf; }}
    server {{
        listen 127.0.0.1:{port};
        root {folder}/copies;
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""


def start_static(folder: Path, pages: dict[str, bytes]):
    """nginx serving `pages` ({path: bytes}) as static files."""
    for path, content in pages.items():
        target = folder / "copies" / path.lstrip("/")
        if path.endswith("/"):
            target = target / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    port = free_port()
    config = folder / "nginx.conf"
    # As root, nginx's workers would otherwise switch to "nobody", who cannot read our folder.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    config.write_text(NGINX_CONFIG.format(folder=folder, port=port, user=user))
    return start_nginx(config, port), port


# --- Load and CPU ----------------------------------------------------------------------------


def worker_pids(master: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    return [int(pid) for pid in children]


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def fetch(port: int, path: str, method: str = "GET", body: bytes | None = None, cookie: str = ""):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"User-Agent": "Mozilla/5.0 benchmark", "Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    content = response.read()
    connection.close()
    return response.status, dict(response.getheaders()), content


def load(port: int, request, count: int, connections: int) -> float:
    """Send `count` requests (`request(port, n)`) over `connections` threads; req/s."""
    numbers = iter(range(count))
    lock = threading.Lock()
    failures: list[str] = []

    def client():
        while True:
            with lock:
                n = next(numbers, None)
            if n is None:
                return
            status = request(port, n)
            if status >= 400:
                failures.append(str(status))

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise RuntimeError(f"{len(failures)} failed requests, e.g. HTTP {failures[0]}")
    return count / (time.monotonic() - started)


def measure(master, port, request, count, connections) -> tuple[float, float]:
    """(CPU ms per request, requests per second), after a warm-up."""
    load(port, request, min(40, count), connections)
    pids = worker_pids(master)
    before = cpu_seconds(pids)
    rate = load(port, request, count, connections)
    return (cpu_seconds(pids) - before) * 1000 / count, rate


def get(path: str, cookie: str = ""):
    return lambda port, n: fetch(port, path, cookie=cookie)[0]


def our_reply(post_id: int, issued: str):
    def send(port, n):
        body = (
            f"name=Visitor+{n}&email=visitor{n}%40example.org&issued={issued}"
            f"&text=Reply+number+{n}+from+the+benchmark."
        ).encode()
        return fetch(port, f"/comments/post/{post_id}/", "POST", body)[0]

    return send


def peer_reply(page_id: int, token: str, cookie: str):
    def send(port, n):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        body = (
            f"csrfmiddlewaretoken={token}&name=Visitor+{n}&email=visitor{n}%40example.org"
            f"&text=Reply+number+{n}+from+the+benchmark."
        )
        connection.request(
            "POST",
            f"/reply/{page_id}/",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie,
                "Referer": f"http://127.0.0.1:{port}/",
                "Host": "127.0.0.1",
            },
        )
        status = connection.getresponse().status
        connection.close()
        return status

    return send


def peer_reply_request(port: int, post_path: str):
    """The peer's reply form needs its CSRF cookie and token, as a browser would send them."""
    status, headers, content = fetch(port, post_path)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content).group(1).decode()
    cookie = headers["Set-Cookie"].split(";")[0]
    page_id = int(re.search(rb'action="/reply/(\d+)/"', content).group(1))
    return peer_reply(page_id, token, cookie)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--replies", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="per-request-") as tmp:
        folder = Path(tmp)
        pdf = folder / "paper.pdf"
        pdf.write_bytes(make_pdf("Recovery: the Business Case", ["Recovery."] * 2000, PDF_BYTES))
        (folder / "ours").mkdir()
        (folder / "peer").mkdir()
        (folder / "static").mkdir()
        print(f"Filling both sites: {args.posts:,} posts, {args.replies} replies each…", flush=True)
        ours, our_port, paths, env = start_ours(folder / "ours", args.posts, args.replies, pdf)
        peer, peer_port, peer_paths = start_peer(folder / "peer", args.posts, args.replies, pdf)
        servers = [ours, peer]
        try:
            copies = {
                "/news/": fetch(our_port, "/news/")[2],
                paths["post"]: fetch(our_port, paths["post"])[2],
                "/paper.pdf": pdf.read_bytes(),
            }
            static, static_port = start_static(folder / "static", copies)
            servers.append(static)
            issued = json.loads(fetch(our_port, "/comments/form-time/")[2])["issued"]
            time.sleep(3.5)  # a reply sent sooner than a person could type is held as spam
            cases = {
                "list": (get("/news/"), get("/"), get("/news/")),
                "post page": (get(paths["post"]), get(peer_paths["post"]), get(paths["post"])),
                # A visitor with any cookie gets a page rendered for them: the work behind it.
                "list, rendered": (get("/news/", RENDER), get("/", RENDER), None),
                "post, rendered": (
                    get(paths["post"], RENDER),
                    get(peer_paths["post"], RENDER),
                    None,
                ),
                "PDF download": (get(paths["pdf"]), get(peer_paths["pdf"]), get("/paper.pdf")),
                "POST reply": (
                    our_reply(paths["post_id"], issued),
                    peer_reply_request(peer_port, peer_paths["post"]),
                    None,
                ),
            }
            print(
                f"\nServer CPU ms per request (req/s), {args.requests} requests over "
                f"{args.connections} connections; gunicorn 2 sync workers, SQLite, DEBUG off\n"
            )
            header = f"{'':<14}{'this site':>18}{'Wagtail 8':>18}{'nginx static':>18}"
            print(header + f"{'ours/Wagtail':>14}")
            for label, (mine, theirs, plain) in cases.items():
                ours_ms, ours_rate = measure(ours, our_port, mine, args.requests, args.connections)
                peer_ms, peer_rate = measure(
                    peer, peer_port, theirs, args.requests, args.connections
                )
                cells = [f"{ours_ms:6.2f} ({ours_rate:5.0f})", f"{peer_ms:6.2f} ({peer_rate:5.0f})"]
                if plain is not None:
                    static_ms, static_rate = measure(
                        static, static_port, plain, args.requests * 4, args.connections
                    )
                    cells.append(f"{static_ms:6.3f} ({static_rate:5.0f})")
                else:
                    cells.append("—")
                print(
                    f"{label:<14}"
                    + "".join(f"{c:>18}" for c in cells)
                    + f"{ours_ms / peer_ms:>14.2f}"
                )
        finally:
            stop(*servers)


if __name__ == "__main__":
    main()
