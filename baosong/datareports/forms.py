"""Reading the fill page's fields back into a return's rows: ``rows.0.guests_total``, ``rows.0.guest.name``,
multi-choice as repeated names. The page's script posts the same names, so a page without it works too."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from baosong.datareports import schema


def data_from_post(sch: dict[str, Any], post: QueryDict) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for s in schema.sections(sch):
        key = s["key"]
        indexes = sorted(
            {
                int(parts[1])
                for name in post
                if (parts := name.split("."))[0] == key and parts[1:2] and parts[1].isdigit()
            }
        )
        rows = []
        for i in indexes[: schema.MAX_ROWS]:
            row: dict[str, Any] = {}
            prefix = f"{key}.{i}."
            if post.get(prefix + "_id"):
                row["_id"] = post.get(prefix + "_id")
            for f in schema.fields_of(s):
                name = prefix + f["key"]
                if f["type"] == "multichoice":
                    row[f["key"]] = post.getlist(name)
                elif f["type"] == "person":
                    row[f["key"]] = {p: post.get(f"{name}.{p}", "") for p, _ in schema.PERSON_PARTS}
                elif f["type"] == "file":
                    stored = post.get(f"{name}.stored", "")
                    row[f["key"]] = (
                        {
                            "stored": stored,
                            "name": post.get(f"{name}.name", ""),
                            "type": post.get(f"{name}.type", ""),
                            "size": post.get(f"{name}.size", ""),
                        }
                        if stored
                        else None
                    )
                else:
                    row[f["key"]] = post.get(name, "")
            rows.append(row)
        data[key] = rows if s.get("repeating") else (rows[0] if rows else {})
    return data
