"""How staff type tags: separated by commas only, so "Peer support" stays one tag."""


def parse_tags(text: str) -> list[str]:
    return sorted({name.strip() for name in text.split(",") if name.strip()}, key=str.lower)


def tags_to_text(tags) -> str:
    return ", ".join(sorted((tag.name for tag in tags), key=str.lower))
