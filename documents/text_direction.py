"""Names and titles people type, isolated from the text around them wherever they are shown
as plain text (the admin's headings, breadcrumbs and messages, select boxes, history).

A title written right-to-left, or carrying a bidirectional override (U+202E), would otherwise
reorder the words after it ("… was changed successfully."). Templates wrap such values in
<bdi>; text built by Django itself from `str(obj)` gets the same protection from Unicode's own
isolates, FSI … PDI, which show nothing. Here, in the app the others build on, so news and
comments isolate their names and titles the same way.
"""

FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


def isolated(text: str) -> str:
    """`text` as a bidirectional isolate, its direction taken from its first strong letter."""
    return f"{FIRST_STRONG_ISOLATE}{text}{POP_DIRECTIONAL_ISOLATE}"
