"""Benchmark: papers sent by the download view under gunicorn, by nginx, and by the two together.

    .venv/bin/python tests/benchmarks/downloads.py [--seconds 5] [--connections 8]

In a temporary folder it makes an SQLite database and a MEDIA_ROOT holding a 375 KB demo
paper and a 50 MB one, then starts, all on loopback ports:

- gunicorn (2 workers × 4 threads) serving the site with DOCUMENTS_SERVE_WITH=django: the
  view streams the file itself;
- nginx serving MEDIA_ROOT as plain static files (the fastest it could be, with no permission
  check and no counting);
- nginx configured with the README's "Serving papers with nginx" snippet, in front of a second
  gunicorn with DOCUMENTS_SERVE_WITH=x-accel-redirect: the view checks and counts, nginx sends.

Each of the six cases is loaded for --seconds with wrk (apt-get install wrk) or, without it,
Python threads on keep-alive connections; requests/s and MB/s are printed side by side. Then
the memory of gunicorn's workers (VmRSS and VmHWM from /proc) is read before and after
downloading the 50 MB paper repeatedly, with gunicorn's sendfile() and without it (so the
view's own 64 KB chunks are read by Python). Not a test: a script that prints figures. Its
servers are started with the helpers of tests/servers.py, which the real-server tests use too.
"""

import argparse
import http.client
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Run as a script, so the project (and its tests.servers) must be put on the path first.
sys.path.insert(0, str(ROOT))

from pypdf import PdfWriter  # noqa: E402

from imroc_site.demo.pdf import make_pdf  # noqa: E402
from tests.servers import (  # noqa: E402
    NGINX,
    free_port,
    nginx_config,
    nginx_version,
    prepare_site,
    site_environment,
    start_gunicorn,
    start_nginx,
    stop,
)

WRK = shutil.which("wrk")
MB = 1024 * 1024

SMALL_SIZE = 375 * 1024
BIG_SIZE = 50 * MB


# --- Load and memory --------------------------------------------------------------------------


BROWSER = "Mozilla/5.0 (X11; Linux x86_64) benchmark"
ROBOT = "Mozilla/5.0 (compatible; Googlebot/2.1)"


def load_with_wrk(
    url: str, seconds: float, connections: int, user_agent: str = BROWSER
) -> tuple[float, float, int]:
    """(requests/s, MB/s, failed responses) from wrk."""
    threads = min(2, connections)
    command = [WRK, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    command += ["-H", f"User-Agent: {user_agent}", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    requests = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    amount, unit = re.search(r"Transfer/sec:\s+([\d.]+)(\w+)", output).groups()
    scale = {"B": 1 / MB, "KB": 1 / 1024, "MB": 1, "GB": 1024}[unit]
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: .*?timeout (\d+)", output)
    return (
        requests,
        float(amount) * scale,
        int(failed.group(1) if failed else 0) + int(errors.group(1) if errors else 0),
    )


def load_with_threads(
    url: str, seconds: float, connections: int, user_agent: str = BROWSER
) -> tuple[float, float, int]:
    """The same from Python threads, each a keep-alive connection reading into one buffer."""
    host, port, path = re.fullmatch(r"http://([^:/]+):(\d+)(/.*)", url).groups()
    totals = {"requests": 0, "bytes": 0, "failed": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client():
        buffer = memoryview(bytearray(MB))
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        requests = received = failed = 0
        while time.monotonic() < deadline:
            connection.request("GET", path, headers={"User-Agent": user_agent})
            response = connection.getresponse()
            while count := response.readinto(buffer):
                received += count
            requests += 1
            failed += response.status != 200
            if response.will_close:
                connection.close()
        with lock:
            totals["requests"] += requests
            totals["bytes"] += received
            totals["failed"] += failed

    started = time.monotonic()
    workers = [threading.Thread(target=client) for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    return totals["requests"] / elapsed, totals["bytes"] / MB / elapsed, totals["failed"]


def download(port: int, path: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    received = 0
    while chunk := response.read(MB):
        received += len(chunk)
    connection.close()
    return received


def workers_of(master: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS (resident now) and VmHWM (the most it has ever been) of a process, in MB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return {
        key: int(re.search(rf"{key}:\s+(\d+) kB", status).group(1)) / 1024
        for key in ("VmRSS", "VmHWM")
    }


def measure_memory(env: dict[str, str], papers: dict, times: int, *extra: str) -> list[str]:
    """Each worker's memory before and after downloading the big paper `times` times."""
    process, port = start_gunicorn(env, *extra)
    try:
        for _ in range(8):  # warm both workers up: imports, templates, database connections
            download(port, papers["small"]["url"])
        workers = workers_of(process)
        before = {pid: memory_mb(pid) for pid in workers}
        # Two at a time, so both workers take a share of them.
        clients = [
            threading.Thread(
                target=lambda: [download(port, papers["big"]["url"]) for _ in range(times // 2)]
            )
            for _ in range(2)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join()
        lines = []
        for pid in workers:
            after = memory_mb(pid)
            lines.append(
                f"  worker {pid}: VmRSS {before[pid]['VmRSS']:.1f} → {after['VmRSS']:.1f} MB "
                f"(growth {after['VmRSS'] - before[pid]['VmRSS']:+.1f} MB), "
                f"peak VmHWM {before[pid]['VmHWM']:.1f} → {after['VmHWM']:.1f} MB "
                f"(growth {after['VmHWM'] - before[pid]['VmHWM']:+.1f} MB)"
            )
        return lines
    finally:
        stop(process)


# --- The benchmark ----------------------------------------------------------------------------


def make_papers(folder: Path) -> dict[str, tuple[str, Path]]:
    small = folder / "recovery-business-case.pdf"
    title = "Recovery: the Business Case"
    paragraphs = [
        "Recovery is a journey that people make for themselves; services can help or hinder it.",
        "Organisations change when everyone, from the board to the front line, learns together.",
    ]
    small.write_bytes(make_pdf(title, paragraphs, SMALL_SIZE))
    # A real PDF made 50 MB by incompressible bytes in its metadata.
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": "Big paper", "/Subject": os.urandom(BIG_SIZE // 2).hex()})
    big = folder / "big-paper.pdf"
    with big.open("wb") as file:
        writer.write(file)
    return {"small": (title, small), "big": ("A 50 MB paper", big)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5, help="load time of each case")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--memory-downloads", type=int, default=10)
    parser.add_argument("--threads", action="store_true", help="Python threads even with wrk")
    args = parser.parse_args()
    print("$", shlex.join([os.path.relpath(sys.executable, ROOT), *sys.argv]))
    if not NGINX:
        sys.exit("nginx is not installed: apt-get install nginx")
    load = load_with_wrk if WRK and not args.threads else load_with_threads
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        sources = make_papers(folder)
        env = site_environment(folder, f"sqlite:///{folder / 'bench.sqlite3'}")
        papers = prepare_site(env, sources)
        sizes = {key: Path(path).stat().st_size for key, (_, path) in sources.items()}
        media = Path(env["MEDIA_ROOT"])
        print(
            f"papers: {sizes['small'] / 1024:.0f} KB and {sizes['big'] / MB:.1f} MB; "
            f"{args.connections} connections for {args.seconds:g}s each, "
            f"load from {'wrk' if load is load_with_wrk else 'Python threads'}; "
            f"gunicorn 2 workers × 4 threads (gthread), {nginx_version()} 2 workers; "
            f"{os.cpu_count()} CPUs; every download counted in SQLite unless said\n"
        )
        django_app, django_port = start_gunicorn(env)
        accel_env = {**env, "DOCUMENTS_SERVE_WITH": "x-accel-redirect"}
        accel_app, accel_port = start_gunicorn(accel_env)
        static_port, proxy_port = free_port(), free_port()
        config = nginx_config(
            folder,
            media_root=media,
            proxy_port=proxy_port,
            app_port=accel_port,
            static_port=static_port,
        )
        nginx = start_nginx(config, static_port, proxy_port)
        try:
            results = {}
            for key in ("small", "big"):
                targets = {
                    "gunicorn (view)": (django_port, papers[key]["url"]),
                    "nginx (static)": (static_port, f"/media/{papers[key]['name']}"),
                    "nginx+X-Accel": (proxy_port, papers[key]["url"]),
                }
                for server, (port, path) in targets.items():
                    if download(port, path) != sizes[key]:
                        raise RuntimeError(f"{server} did not send the whole {key} paper")
                    url = f"http://127.0.0.1:{port}{path}"
                    results[key, server] = load(url, args.seconds, args.connections)
            small_url = f"http://127.0.0.1:{django_port}{papers['small']['url']}"
            robot = load(small_url, args.seconds, args.connections, ROBOT)
        finally:
            stop(nginx, accel_app, django_app)
        print_table(results, sizes)
        print(
            f"\nThe view, {sizes['small'] / 1024:.0f} KB paper, robot's User-Agent (served, not "
            f"counted): {robot[0]:,.1f} req/s; against the first column, the cost of counting.\n"
        )
        print(
            f"Memory of gunicorn's workers, {args.memory_downloads} downloads of the 50 MB paper:"
        )
        print(" with sendfile() (gunicorn's default):")
        print("\n".join(measure_memory(env, papers, args.memory_downloads)))
        print(" without sendfile (--no-sendfile: Python reads and writes the 64 KB chunks):")
        print("\n".join(measure_memory(env, papers, args.memory_downloads, "--no-sendfile")))
    print(f"\ntook {time.monotonic() - started:.0f}s")


def print_table(results: dict, sizes: dict) -> None:
    servers = ["gunicorn (view)", "nginx (static)", "nginx+X-Accel"]
    header = f"{'paper':<8}{'':>6}" + "".join(f"{server:>17}" for server in servers)
    print(header + f"{'view÷static':>13}{'accel÷static':>14}")
    for key in ("small", "big"):
        label = f"{sizes[key] / 1024:.0f} KB" if key == "small" else f"{sizes[key] / MB:.0f} MB"
        for index, unit in ((0, "req/s"), (1, "MB/s")):
            view, static, accel = (results[key, server][index] for server in servers)
            print(
                f"{label:<8}{unit:>6}"
                + "".join(f"{value:>17,.1f}" for value in (view, static, accel))
                + f"{view / static:>13.2f}{accel / static:>14.2f}"
            )
        failed = {server: results[key, server][2] for server in servers if results[key, server][2]}
        if failed:
            print(f"{'':<14}failed responses: {failed}")


if __name__ == "__main__":
    main()
