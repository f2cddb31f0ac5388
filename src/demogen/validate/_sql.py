"""SQL pieces every DuckDB query over demogen output shares: the record columns and names.

Names are inlined into SQL text only after they match :data:`SAFE_NAME`, which allows no
quotes, so no name can change a query.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from demogen.errors import ConfigError

#: The top-level fields read from each JSONL record (``properties`` stays JSON).
RECORD_COLUMNS = (
    "{'#type': 'VARCHAR', '#time': 'VARCHAR', '#distinct_id': 'VARCHAR', "
    "'#account_id': 'VARCHAR', '#event_name': 'VARCHAR', 'properties': 'JSON'}"
)
#: An event or property name that is safe inside a SQL string literal.
SAFE_NAME = re.compile(r"#?[A-Za-z][A-Za-z0-9_]{0,49}")


def sql_names(names: Iterable[str], kind: str = "name") -> str:
    """``('a', 'b')`` for ``x IN …``, ``(NULL)`` (matches nothing) when empty.

    A name that is not safe is a :class:`ConfigError` naming its ``kind``.
    """
    listed = list(dict.fromkeys(names))
    for name in listed:
        if not isinstance(name, str) or not SAFE_NAME.fullmatch(name):
            raise ConfigError(f"{kind} {name!r} is not a valid name: letters, digits and '_', "
                              "starting with a letter, at most 50 characters")
    return "(" + ", ".join(f"'{n}'" for n in listed) + ")" if listed else "(NULL)"
