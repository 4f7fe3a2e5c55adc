"""The deployment files as shipped (deploy/): nginx accepts its site, systemd its units, and
the compose file names every service the README promises, each from a named image."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests import servers

DEPLOY = servers.ROOT / "deploy"


def test_nginx_accepts_the_shipped_site(tmp_path):
    if not servers.NGINX:
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    config = servers.nginx_config(
        tmp_path, media_root=tmp_path, proxy_port=8080, app_port=8000, static_port=None
    )
    check = subprocess.run([servers.NGINX, "-t", "-c", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed (apt-get install systemd)")
    # The units with this checkout in place of /srv/imroc, so the programs they name exist.
    environment = tmp_path / "production.env"
    environment.write_text("DEBUG=false\n")
    units = []
    for unit in sorted((DEPLOY / "systemd").iterdir()):
        text = unit.read_text().replace("/srv/imroc", str(servers.ROOT))
        text = text.replace("/etc/imroc/production.env", str(environment))
        (tmp_path / unit.name).write_text(text)
        units.append(str(tmp_path / unit.name))
    assert {Path(unit).name for unit in units} == {
        "imroc.socket",
        "imroc.service",
        "imroc-tasks.service",
    }

    verify = subprocess.run([analyze, "verify", "--man=no", *units], capture_output=True, text=True)

    # Unknown keys and bad values are only warnings to systemd: any line about our units fails.
    problems = [line for line in verify.stderr.splitlines() if str(tmp_path) in line]
    assert verify.returncode == 0, verify.stderr
    assert problems == [], verify.stderr


def test_compose_runs_every_part_of_the_site():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]

    assert set(services) == {"web", "worker", "nginx", "db", "redis"}
    for name in ("nginx", "db", "redis"):
        assert ":" in services[name]["image"], f"{name} should name its image and version"
    assert services["web"]["build"]["dockerfile"] == "deploy/Dockerfile"
    assert (DEPLOY / "Dockerfile").is_file()
    assert "db_worker" in services["worker"]["command"]
    assert "gunicorn imroc_site.wsgi" in services["web"]["command"]
    # nginx runs the shipped files, not a copy of them.
    mounts = {volume.split(":")[0] for volume in services["nginx"]["volumes"]}
    assert {"./nginx/imroc.conf", "./nginx/snippets"} <= mounts
    for mount in mounts:
        if mount.startswith("./"):
            assert (DEPLOY / mount).exists(), mount
    assert services["web"]["environment"]["DOCUMENTS_SERVE_WITH"] == "x-accel-redirect"
    assert services["db"]["healthcheck"]
