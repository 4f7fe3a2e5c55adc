"""bandit's exceptions stay few and explained: each `# nosec` names the checks it silences and
says why, where the code is, and none is switched off for the whole project (see
CONTRIBUTING.md; `make security`, part of `make lint`, runs bandit itself)."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("imroc_site", "news", "documents", "comments", "freshness")
CHECK_ID = re.compile(r"\bB\d{3}\b")


def _nosec_comments() -> dict[str, str]:
    found = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if re.search(r"#\s*nosec", line):
                    found[f"{path.relative_to(ROOT)}:{number}"] = line[line.index("#") :]
    return found


def _reason(comment: str) -> str:
    """The words of a comment other than its pragmas (nosec and its checks, noqa codes)."""
    words = re.sub(r"#\s*nosec|#\s*noqa:?|\b[BS]\d{3}\b|[#,:()]", " ", comment)
    return " ".join(words.split())


def test_every_bandit_exception_names_its_checks_and_says_why():
    comments = _nosec_comments()

    assert comments, "no # nosec found: this test would check nothing"
    unnamed = [place for place, comment in comments.items() if not CHECK_ID.search(comment)]
    unexplained = [place for place, comment in comments.items() if len(_reason(comment)) < 10]
    assert unnamed == [], "a bare # nosec silences every check on its line"
    assert unexplained == [], "say why the code is right, after the check's id"


def test_no_bandit_check_is_switched_off_for_the_whole_project():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["bandit"]

    assert not config.get("skips") and not config.get("tests")
    assert set(config["exclude_dirs"]) <= {"migrations", "tests", ".venv"}
