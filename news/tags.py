"""How staff type tags: separated by commas only, so "Peer support" stays one tag."""


def parse_tags(text: str) -> list[str]:
    names: dict[str, str] = {}
    for name in (part.strip() for part in text.split(",")):
        if name:
            names.setdefault(name.lower(), name)  # the first spelling of a repeated tag wins
    return sorted(names.values(), key=str.lower)


def tags_to_text(tags) -> str:
    return ", ".join(sorted((tag.name for tag in tags), key=str.lower))
