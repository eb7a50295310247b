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


# ---- the form editor -----------------------------------------------------------------------------------


def _number(text: str) -> int | str | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return text  # a decimal bound stays text; check_schema and clean_value read it as Decimal


def schema_from_post(post: QueryDict) -> tuple[dict[str, Any], list[str]]:
    """The editor's table of sections and fields, and its rule lines, as a schema (plus what could not be
    read). Field and section codes left empty are made up from their position."""
    problems: list[str] = []
    section_ids = sorted(
        {int(n.split(".")[0][1:]) for n in post if n.startswith("s") and n.split(".")[0][1:].isdigit()}
    )
    sections = []
    for si in section_ids:
        p = f"s{si}."
        title = post.get(p + "title", "").strip()
        field_ids = sorted(
            {
                int(n[len(p) + 1 :].split(".")[0])
                for n in post
                if n.startswith(p + "f") and n[len(p) + 1 :].split(".")[0].isdigit()
            }
        )
        fields = []
        for fi in field_ids:
            q = f"{p}f{fi}."
            label = post.get(q + "label", "").strip()
            if not label:
                continue
            f: dict[str, Any] = {
                "key": post.get(q + "key", "").strip() or f"f{si}_{fi}",
                "label": label[:60],
                "type": post.get(q + "type", "text"),
                "required": bool(post.get(q + "required")),
            }
            for name in ("min", "max"):
                value = _number(post.get(q + name, ""))
                if value is not None:
                    f[name] = value
            if post.get(q + "rollup"):
                f["rollup"] = post.get(q + "rollup")
            choices = [
                c.strip()
                for c in post.get(q + "choices", "").replace("，", "、").replace(",", "、").split("、")
            ]
            if [c for c in choices if c]:
                f["choices"] = [c for c in choices if c]
            if post.get(q + "help", "").strip():
                f["help"] = post.get(q + "help", "").strip()[:300]
            when = post.get(q + "when", "").strip()
            if when:
                if "=" not in when:
                    problems.append(f"“{label}”的显示条件应写成“字段代码=值1、值2”。")
                else:
                    field, values = when.split("=", 1)
                    f["when"] = {
                        "field": field.strip(),
                        "in": [v.strip() for v in values.split("、") if v.strip()],
                    }
            fields.append(f)
        if not title and not fields:
            continue
        section: dict[str, Any] = {
            "key": post.get(p + "key", "").strip() or f"s{si}",
            "title": title[:60],
            "repeating": bool(post.get(p + "repeating")),
            "fields": fields,
        }
        if post.get(p + "event_field", "").strip():
            section["event_field"] = post.get(p + "event_field", "").strip()
        sections.append(section)
    sch: dict[str, Any] = {"sections": sections, "rules": []}
    rules, rule_problems = rules_from_text(post.get("rules", ""), sch)
    sch["rules"] = rules
    return sch, problems + rule_problems


def rules_from_text(text: str, sch: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """One rule a line, by field name or code: “其中异性人数 <= 接待总人数”, “费用总额 = 住宿费 + 用餐费”."""
    by_name: dict[str, tuple[str, str]] = {}
    for s in schema.sections(sch):
        for f in schema.fields_of(s):
            by_name[f["label"]] = by_name[f["key"]] = (s["key"], f["key"])
    rules: list[dict[str, Any]] = []
    problems: list[str] = []
    for line in (text or "").splitlines():
        line = line.strip().replace("≤", "<=").replace("＜＝", "<=").replace("＝", "=").replace("＋", "+")
        if not line:
            continue
        if "<=" in line:
            a, b = (x.strip() for x in line.split("<=", 1))
            if a in by_name and b in by_name and by_name[a][0] == by_name[b][0]:
                rules.append({"kind": "le", "section": by_name[a][0], "a": by_name[a][1], "b": by_name[b][1]})
                continue
        elif "=" in line:
            total, parts_text = (x.strip() for x in line.split("=", 1))
            parts = [x.strip() for x in parts_text.split("+") if x.strip()]
            if (
                total in by_name
                and parts
                and all(p in by_name and by_name[p][0] == by_name[total][0] for p in parts)
            ):
                rules.append(
                    {
                        "kind": "sum",
                        "section": by_name[total][0],
                        "total": by_name[total][1],
                        "parts": [by_name[p][1] for p in parts],
                    }
                )
                continue
        problems.append(
            f"校验规则“{line}”无法识别：应写成“甲 <= 乙”或“合计 = 甲 + 乙”，并使用同一分组里的字段名称。"
        )
    return rules, problems


def rules_to_text(sch: dict[str, Any]) -> str:
    labels = {(s["key"], f["key"]): f["label"] for s in schema.sections(sch) for f in schema.fields_of(s)}
    lines = []
    for r in sch.get("rules") or []:
        sec = r.get("section")
        if r.get("kind") == "le":
            lines.append(f"{labels.get((sec, r['a']), r['a'])} <= {labels.get((sec, r['b']), r['b'])}")
        elif r.get("kind") == "sum":
            parts = " + ".join(labels.get((sec, p), p) for p in r.get("parts") or [])
            lines.append(f"{labels.get((sec, r['total']), r['total'])} = {parts}")
    return "\n".join(lines)
