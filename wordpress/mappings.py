"""The choices staff make for an import: whose account each WordPress author becomes, and which
category here each WordPress category goes to. Read from a CSV or JSON file, or `a=b` pairs."""

import csv
import json
from pathlib import Path

from django.contrib.auth import get_user_model

from news.models import Category


class MappingError(Exception):
    """A mapping cannot be used; the message names the line or entry."""


def read_pairs(values: list[str]) -> dict[str, str]:
    """{old: new} from `old=new` pairs and/or files (.json: an object; .csv: two columns)."""
    pairs: dict[str, str] = {}
    for value in values:
        path = Path(value)
        if "=" in value and not path.exists():
            old, new = value.split("=", 1)
            pairs[old.strip()] = new.strip()
        elif path.suffix.lower() == ".json":
            pairs.update(_from_json(path))
        else:
            pairs.update(_from_csv(path))
    return pairs


def _from_json(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise MappingError(f"{path}: {error}") from error
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise MappingError(f'{path}: expected an object such as {{"old": "new"}}')
    return {str(old).strip(): new.strip() for old, new in data.items()}


def _from_csv(path: Path) -> dict[str, str]:
    try:
        with path.open(encoding="utf-8", newline="") as file:
            rows = list(csv.reader(file))
    except OSError as error:
        raise MappingError(f"{path}: {error}") from error
    pairs = {}
    for number, row in enumerate(rows, start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if len(cells) != 2 or not all(cells):
            raise MappingError(f"{path}, line {number}: expected two columns, old,new")
        pairs[cells[0]] = cells[1]
    return pairs


def check_authors(pairs: dict[str, str]) -> dict[str, str]:
    """The author map, if every username in it is an account here."""
    usernames = set(pairs.values())
    found = set(
        get_user_model()
        ._default_manager.filter(username__in=usernames)
        .values_list("username", flat=True)
    )
    if missing := sorted(usernames - found):
        raise MappingError(f"No account here has the username: {', '.join(missing)}")
    return pairs


def check_categories(pairs: dict[str, str], pages_category: str | None) -> None:
    """Every category named as a destination exists here."""
    slugs = {*pairs.values(), *([pages_category] if pages_category else [])}
    found = set(Category.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    if missing := sorted(slugs - found):
        raise MappingError(
            f"No category here has the slug: {', '.join(missing)} (create it in the admin first)"
        )
