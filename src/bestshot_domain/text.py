"""Labels folded to ASCII: tournament ids (slugs) and the label part of schedule names.

Folding goes through anyascii (a transliteration table for all of Unicode), so that
"Brasileirão", "Süper Lig" and "Премьер-лига" give readable ASCII rather than holes.
"""

from __future__ import annotations

import re

from anyascii import anyascii

from bestshot_domain.errors import InvalidInput

_NOT_SLUG = re.compile(r"[^0-9a-z]+")
_NOT_NAME = re.compile(r"[^0-9a-z_.-]")
_UNDERSCORES = re.compile(r"_{2,}")

SLUG_PATTERN = re.compile(r"^[0-9a-z]+(?:[-_.][0-9a-z]+)*$")
"""A slug as stored and put in URLs: lowercase ASCII words joined by `-`, `_` or `.`.

Check with `fullmatch`: with `match`, the `$` also accepts a trailing newline. The anchors stay
for where the pattern is used as a search (the OpenAPI document's `pattern`)."""


def is_slug(text: str) -> bool:
    """Whether `text` is a slug (`SLUG_PATTERN`), the whole of it."""
    return SLUG_PATTERN.fullmatch(text) is not None


def fold(text: str) -> str:
    """`text` transliterated to ASCII and lowercased."""
    return anyascii(text).lower()


def slugify(text: str) -> str:
    """A URL-safe id for a label: "Brasileirão Série A 2026" -> "brasileirao-serie-a-2026".

    Raises InvalidInput when nothing of the label survives (e.g. only punctuation).
    """
    slug = _NOT_SLUG.sub("-", fold(text)).strip("-")
    if not slug:
        raise InvalidInput(f"cannot make an id out of the label {text!r}")
    return slug


def name_part(text: str) -> str:
    """`text` in the alphabet of schedule names (`[0-9a-z_.-]`), `_` runs collapsed, edges trimmed.

    May be empty when nothing of `text` survives.
    """
    return collapse_underscores(_NOT_NAME.sub("_", fold(text))).strip("_")


def collapse_underscores(text: str) -> str:
    return _UNDERSCORES.sub("_", text)
