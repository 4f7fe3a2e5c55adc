"""Benchmark: server CPU per request, this site beside a minimal Wagtail 8 site and nginx.

    .venv/bin/python tests/benchmarks/per_request.py [--posts 1000] [--replies 20]
        [--requests 300] [--connections 8] [--mixed 10000] [--profile [--profile-requests 200]]

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
Each case runs --rounds times (3), ours and Wagtail's in turn, and the round with the median
ratio is printed with the range of the rounds' ratios. Each ratio is printed beside issue 14's
target (ours/Wagtail <= 0.25 for pages, <= 0.33 for the download and the reply) with "yes" or
"NO". Then --mixed requests (10,000; 0 skips it) of
a visitors' mix (list and post pages, cookieless and rendered, over many posts and list pages;
the PDF; replies; searches; feeds) go to our site, and each gunicorn worker's resident memory
(VmRSS, /proc/<pid>/status) is printed before and after, against the target of 150 MB.
With --profile it also prints where our site spends its time on each page (cProfile, in
process with Django's test client, the top functions by cumulative time). Not a test: a
script that prints figures; over 250 lines because the two sites, the load, the memory phase
and the profile belong to one run.
"""

import argparse
import getpass
import http.client
import itertools
import json
import os
import re
import statistics
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
        # Each reply comes from a visitor of its own, as on a live site behind its proxy:
        # X-Forwarded-For names the visitor (our_reply), so the flood limits stay as shipped.
        TRUSTED_PROXY_COUNT="1",
        ALLOWED_HOSTS="127.0.0.1",
        # As in production (deploy/production.env.example): emails are queued, not sent inline,
        # and downloads counted in this machine's spool file, folded into the database later.
        TASKS_QUEUE="database",
        DOCUMENTS_COUNT_DOWNLOADS="spool",
        DOCUMENTS_COUNT_SPOOL=str(folder / "download-counts"),
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
        "published = list(Post.objects.published().order_by('pk'));"
        "post = published[len(Post.objects.all()) // 2];"
        "spread = published[:: max(1, len(published) // 300)];"
        "print(json.dumps({'post': post.get_absolute_url(), 'post_id': post.pk,"
        " 'pdf': Document.objects.get().get_download_url(),"
        " 'posts': [(p.pk, p.get_absolute_url()) for p in spread]}))",
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


def fetch(
    port: int,
    path: str,
    method: str = "GET",
    body: bytes | None = None,
    cookie: str = "",
    visitor: str = "",
):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"User-Agent": "Mozilla/5.0 benchmark", "Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = cookie
    if visitor:
        headers["X-Forwarded-For"] = visitor
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


# Each reply's number, never the same twice in a run: the warm-up and every round send new
# words, as visitors would. (Numbered per round, the second round's replies were refused as
# duplicates, and what was timed was the post page shown again with that error.)
REPLY_NUMBERS = itertools.count(1)
# What our site answers a reply it took: a redirect to where the reply sits. Anything else (the
# page shown again with an error) is counted as a failure, never as a cheap success.
REPLY_TAKEN = 302
REPLY_NOT_TAKEN = 422


def our_reply(post_id: int, issued: str):
    def send(port, n):
        n = next(REPLY_NUMBERS)
        body = (
            f"name=Visitor+{n}&email=visitor{n}%40example.org&issued={issued}"
            f"&text=Reply+number+{n}+from+the+benchmark."
        ).encode()
        # A documentation address (RFC 3849) for each: only ever a header's text.
        visitor = f"2001:db8::{n // 65536:x}:{n % 65536:x}"
        status = fetch(port, f"/comments/post/{post_id}/", "POST", body, visitor=visitor)[0]
        return status if status == REPLY_TAKEN else REPLY_NOT_TAKEN

    return send


def peer_reply(page_id: int, token: str, cookie: str):
    def send(port, n):
        n = next(REPLY_NUMBERS)
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


# --- Worker memory after many requests ------------------------------------------------------

RSS_LIMIT_MB = 150  # issue 14: a worker's resident memory after 10,000 requests
SEARCH_WORDS = ["recovery", "peer", "support", "training", "journey", "hope", "college"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def mixed(paths: dict, issued: str, list_pages: int):
    """The n-th request of a visitors' mix, spread over many posts and list pages so every
    cache and pool fills as it would on a live site: pages cookieless and rendered, the PDF,
    replies, searches and feeds."""
    posts = paths["posts"]

    def send(port, n):
        post_id, post = posts[(n * 7919) % len(posts)]
        kind = n % 10
        if kind == 0:
            return fetch(port, f"/news/?page={n // 10 % list_pages + 1}")[0]
        if kind == 1:
            return fetch(port, f"/news/?page={n // 10 % list_pages + 1}", cookie=RENDER)[0]
        if kind in (2, 3):
            return fetch(port, post)[0]
        if kind in (4, 5):
            return fetch(port, post, cookie=RENDER)[0]
        if kind == 6:
            return fetch(port, paths["pdf"])[0]
        if kind == 7:
            return our_reply(post_id, issued)(port, n)
        if kind == 8:
            word = SEARCH_WORDS[n // 10 % len(SEARCH_WORDS)]
            return fetch(port, f"/search/?q={word}&page=1")[0]
        return fetch(port, "/feeds/rss/" if n // 10 % 2 else "/feeds/atom/")[0]

    return send


def memory_phase(master, port, paths, issued, requests, connections, posts) -> None:
    pids = worker_pids(master)
    before = {pid: rss_mb(pid) for pid in pids}
    started = time.monotonic()
    load(port, mixed(paths, issued, max(1, posts // 20)), requests, connections)
    elapsed = time.monotonic() - started
    after = {pid: rss_mb(pid) for pid in worker_pids(master)}
    print(
        f"\nWorker memory (VmRSS) before and after {requests:,} mixed requests ({elapsed:.0f} s;"
        " list and post pages cookieless and rendered, PDF, replies, search, feeds):"
    )
    for pid in sorted(set(before) | set(after)):
        was = f"{before[pid]:6.1f}" if pid in before else "   new"
        now = f"{after[pid]:6.1f}" if pid in after else "  gone"
        print(f"  worker {pid}: {was} MB → {now} MB")
    worst = max(after.values())
    verdict = "yes" if worst < RSS_LIMIT_MB else "NO"
    print(f"  largest {worst:.1f} MB; target < {RSS_LIMIT_MB} MB: {verdict}")


# --- In-process profile ----------------------------------------------------------------------

_PROFILE = """
import cProfile, io, json, os, pstats, site, sys, time
import django
django.setup()
from django.test import Client
from comments.client import sign_form_time
paths, count, cookie = json.loads(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
visitor = Client(HTTP_HOST="127.0.0.1", HTTP_USER_AGENT="Mozilla/5.0 benchmark")
rendered = Client(HTTP_HOST="127.0.0.1", HTTP_USER_AGENT="Mozilla/5.0 benchmark")
rendered.cookies.load(cookie)
issued = sign_form_time(int(time.time()) - 120)
cases = {
    "list": lambda n: visitor.get("/news/"),
    "post page": lambda n: visitor.get(paths["post"]),
    "list, rendered": lambda n: rendered.get("/news/"),
    "post, rendered": lambda n: rendered.get(paths["post"]),
    "PDF download": lambda n: visitor.get(paths["pdf"]),
    "POST reply": lambda n: visitor.post(
        f"/comments/post/{paths['post_id']}/",
        {"name": f"Visitor {n}", "email": f"visitor{n}@example.org", "issued": issued,
         "text": f"Reply number {n} from the profiler."},
        HTTP_X_FORWARDED_FOR=f"2001:db8::1:{n:x}",
    ),
}
for label, send in cases.items():
    for n in range(20):
        status = send(n).status_code
    assert status < 400, (label, status)
    profile = cProfile.Profile(time.process_time)  # CPU, not a busy machine's waits
    started = time.process_time()
    profile.enable()
    for n in range(count):
        send(1000 + n)
    profile.disable()
    spent = (time.process_time() - started) * 1000 / count
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(25)
    body = text.getvalue()
    for prefix in (*site.getsitepackages(), os.getcwd()):  # shorter names, same places
        body = body.replace(prefix + "/", "")
    print(f"=== {label}: {spent:.2f} ms CPU per request under cProfile (test client, in process)")
    print(body[body.index("   ncalls"):].rstrip())
    print()
"""


def profile(env: dict, paths: dict, count: int) -> None:
    """cProfile of our site's pages in one process (Django's test client, the settings and
    database the server uses), the 25 functions with the most cumulative CPU time for each.
    The test client's own frames (client.py, its signal connections) are not the site's."""
    wanted = {key: paths[key] for key in ("post", "post_id", "pdf")}
    print(f"\nProfile (cProfile, {count} requests a case, in process):\n", flush=True)
    try:
        print(manage(env, "-c", _PROFILE, json.dumps(wanted), str(count), RENDER).stdout)
    except subprocess.CalledProcessError as failed:
        sys.exit(f"the profile failed:\n{failed.stderr}")


# Issue 14's targets, as our CPU per request over Wagtail's in the same run.
TARGETS = {
    "list": 0.25,
    "post page": 0.25,
    "list, rendered": 0.25,
    "post, rendered": 0.25,
    "PDF download": 0.33,
    "POST reply": 0.33,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=1000)
    parser.add_argument("--replies", type=int, default=20)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--rounds", type=int, default=3, help="ours and Wagtail's in turn; the median ratio"
    )
    parser.add_argument(
        "--mixed", type=int, default=10_000, help="mixed requests of the memory phase (0: none)"
    )
    parser.add_argument(
        "--only", action="append", choices=list(TARGETS), help="these cases alone (repeatable)"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile our pages, in process")
    parser.add_argument("--profile-requests", type=int, default=200)
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
                f"{args.connections} connections; gunicorn 2 sync workers, SQLite, DEBUG off;\n"
                f"the round of median ratio of {args.rounds} (ours, then Wagtail's, in turn), "
                "and the ratios' range\n"
            )
            header = f"{'':<14}{'this site':>18}{'Wagtail 8':>18}{'nginx static':>18}"
            print(header + f"{'ours/Wagtail':>14}{'target':>14}{'rounds':>13}")
            for label, (mine, theirs, plain) in cases.items():
                if args.only and label not in args.only:
                    continue
                # Ours and Wagtail's in turn, --rounds times: a burst of the shared machine's
                # noise then falls on both, and the median round's ratio is the figure.
                rounds = []
                for _ in range(args.rounds):
                    ours_ms, ours_rate = measure(
                        ours, our_port, mine, args.requests, args.connections
                    )
                    peer_ms, peer_rate = measure(
                        peer, peer_port, theirs, args.requests, args.connections
                    )
                    rounds.append((ours_ms / peer_ms, ours_ms, ours_rate, peer_ms, peer_rate))
                ratio, ours_ms, ours_rate, peer_ms, peer_rate = statistics.median_low(rounds)
                cells = [f"{ours_ms:6.2f} ({ours_rate:5.0f})", f"{peer_ms:6.2f} ({peer_rate:5.0f})"]
                if plain is not None:
                    static_ms, static_rate = measure(
                        static, static_port, plain, args.requests * 4, args.connections
                    )
                    cells.append(f"{static_ms:6.3f} ({static_rate:5.0f})")
                else:
                    cells.append("—")
                target = TARGETS[label]
                met = "yes" if ratio <= target else "NO"
                spread = f"{min(r[0] for r in rounds):.2f}–{max(r[0] for r in rounds):.2f}"
                print(
                    f"{label:<14}"
                    + "".join(f"{c:>18}" for c in cells)
                    + f"{ratio:>14.2f}{f'<= {target:.2f} {met}':>14}{spread:>13}"
                )
            if args.mixed:
                memory_phase(
                    ours, our_port, paths, issued, args.mixed, args.connections, args.posts
                )
            if args.profile:
                profile(env, paths, args.profile_requests)
        finally:
            stop(*servers)


if __name__ == "__main__":
    main()
