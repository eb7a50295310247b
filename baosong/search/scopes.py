"""Scope tokens: who may find a document, written into the full-text index next to its words.

A search used to read every document containing the word and then drop those the user may not open: 10,912
documents to show 459 hits for 防汛 to a county editor of a 500,000-item province. Each document now also
carries a few tokens naming the units and people it is visible to, in a column of its own (``seg_scope``,
never mixed with the text: words an author types cannot grant anyone access), and a search asks the
full-text index for "these words AND one of my tokens". The index intersects the two lists itself (a
BitmapAnd of two GIN indexes on PostgreSQL, one FTS5 expression on SQLite), so only documents the user may
open are read. The rules are those of ``selectors.scope_sql``, which still guards the final SQL:

- item: ``ki<source unit>``; ``kr<unit>`` for every unit it reached;
- issue: ``iu<publication unit>``; ``ir<unit>`` / ``ip<user>`` for every unit and person it was delivered to;
- bulletin: ``bu<unit>``; ``ba<unit>`` for the unit and each of its ancestors (a desk above sees it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from baosong.orgs.models import BUSINESS_ROLES, Role, User
from baosong.orgs.selectors import units_acting_for
from baosong.search.models import SearchScope

DESK = (Role.EDITOR, Role.CHIEF, Role.LEADER)


def path_ids(path: str) -> list[int]:
    return [int(x) for x in path.strip("/").split("/") if x.isdigit()]


def document_tokens(kind: str, unit_id: int | None, unit_path: str, scopes: Iterable[tuple[str, int]]) -> str:
    """The ``seg_scope`` text of one document (space-separated tokens)."""
    tokens: list[str] = []
    extra: dict[str, str] = {
        SearchScope.Key.REACHED: "kr",
        SearchScope.Key.READER_UNIT: "ir",
        SearchScope.Key.READER_USER: "ip",
    }
    if kind == "item":
        tokens.append(f"ki{unit_id}")
    elif kind == "issue":
        tokens.append(f"iu{unit_id}")
    elif kind == "bulletin":
        tokens.append(f"bu{unit_id}")
        tokens += [f"ba{a}" for a in path_ids(unit_path)]
    tokens += [f"{extra[k]}{int(value)}" for k, value in scopes if k in extra]
    return " ".join(dict.fromkeys(tokens))


@dataclass(frozen=True)
class Reach:
    """The units a user acts for: any business role (``own``), editor/chief/leader (``desk``), and every
    ancestor of an own unit, itself included (``ancestors``)."""

    user_id: int
    own: list[tuple[int, str]]
    desk: list[tuple[int, str]]

    @property
    def own_ids(self) -> list[int]:
        return [pk for pk, _ in self.own]

    @property
    def desk_ids(self) -> list[int]:
        return [pk for pk, _ in self.desk]

    @property
    def ancestors(self) -> list[int]:
        return sorted({a for _, path in self.own for a in path_ids(path)})


def reach(user: User) -> Reach:
    return Reach(
        user_id=int(user.pk),
        own=list(units_acting_for(user, *BUSINESS_ROLES).values_list("pk", "path")),
        desk=list(units_acting_for(user, *DESK).values_list("pk", "path")),
    )


def user_tokens(r: Reach) -> list[str]:
    """The tokens any one of which opens a document to this user (the rules of ``scope_sql``)."""
    tokens = [f"ki{u}" for u in r.own_ids] + [f"kr{u}" for u in r.desk_ids]
    tokens += [f"iu{u}" for u in r.desk_ids] + [f"ir{u}" for u in r.own_ids] + [f"ip{r.user_id}"]
    tokens += [f"bu{u}" for u in r.ancestors] + [f"ba{u}" for u in r.desk_ids]
    return list(dict.fromkeys(tokens))
