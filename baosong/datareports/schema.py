"""A form's schema: sections of typed fields, validation rules, and how fields roll up.

A schema is JSON (stored on FormVersion)::

    {"sections": [{"key": "rows", "title": "接待情况", "repeating": true, "event_field": "date",
                   "fields": [{"key": "guests", "label": "接待总人数", "type": "integer", "required": true,
                               "min": 1, "help": "…", "rollup": "sum", "when": {"field": "k", "in": ["是"]}},
                              …]}],
     "rules": [{"kind": "le", "section": "rows", "a": "opposite_sex", "b": "guests"},
               {"kind": "sum", "section": "rows", "total": "cost_total", "parts": ["cost_lodging", …]}]}

Values as stored: text → str; date → "YYYY-MM-DD"; datetime → "YYYY-MM-DDTHH:MM"; integer → int; money →
"1234.50"; choice → str; multichoice → [str]; person → {"name", "title", "unit"}; unit → {"id", "name"};
file → {"name", "stored", "type", "size"}."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from baosong.core.errors import ServiceError

FIELD_TYPES: dict[str, str] = {
    "text": "文本",
    "longtext": "长文本",
    "date": "日期",
    "datetime": "日期时间",
    "integer": "整数",
    "money": "金额（元）",
    "choice": "单选",
    "multichoice": "多选",
    "person": "人员（姓名/职务/单位）",
    "unit": "单位",
    "file": "附件",
}
ROLLUPS: dict[str, str] = {"": "不汇总", "sum": "求和", "count": "计数", "max": "最大值", "list": "列举"}
NUMERIC = {"integer", "money"}
PERSON_PARTS = (("name", "姓名"), ("title", "职务"), ("unit", "单位"))
MAX_ROWS = 500  # rows of one section in one return
MAX_TEXT = 2000
MAX_LIST = 200  # distinct values a "list" roll-up keeps
CENT = Decimal("0.01")
MONEY_LIMIT = Decimal("1e12")


@dataclass(frozen=True)
class Problem:
    section: str
    row: int | None
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"section": self.section, "row": self.row, "field": self.field, "message": self.message}


# ---- reading a schema ----------------------------------------------------------------------------------


def sections(schema: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(schema.get("sections") or [])


def fields_of(section: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(section.get("fields") or [])


def field_map(schema: Mapping[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(s["key"], f["key"]): f for s in sections(schema) for f in fields_of(s)}


def rollup_fields(schema: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(section key, field) of every field that rolls up, in form order."""
    return [(s["key"], f) for s in sections(schema) for f in fields_of(s) if f.get("rollup")]


def check_schema(schema: Any) -> list[str]:
    """What is wrong with a schema an administrator wrote (empty when it is usable)."""
    errors: list[str] = []
    if not isinstance(schema, dict) or not isinstance(schema.get("sections"), list) or not schema["sections"]:
        return ["报表至少需要一个分组。"]
    seen_sections: set[str] = set()
    for s in schema["sections"]:
        key = str(s.get("key") or "")
        if not key.isidentifier() or key in seen_sections:
            errors.append(f"分组代码“{key}”无效或重复（只能用字母、数字、下划线）。")
        seen_sections.add(key)
        if not str(s.get("title") or "").strip():
            errors.append(f"分组“{key}”缺少标题。")
        keys: set[str] = set()
        flist = s.get("fields")
        if not isinstance(flist, list) or not flist:
            errors.append(f"分组“{s.get('title') or key}”至少需要一个字段。")
            continue
        for f in flist:
            fkey = str(f.get("key") or "")
            label = str(f.get("label") or "").strip()
            if not fkey.isidentifier() or fkey in keys:
                errors.append(f"字段代码“{fkey}”无效或重复。")
            keys.add(fkey)
            if not label:
                errors.append(f"字段“{fkey}”缺少名称。")
            ftype = f.get("type")
            if ftype not in FIELD_TYPES:
                errors.append(f"字段“{label or fkey}”的类型“{ftype}”无效。")
            if ftype in ("choice", "multichoice") and not [
                c for c in f.get("choices") or [] if str(c).strip()
            ]:
                errors.append(f"字段“{label or fkey}”是选择项，须列出选项。")
            rollup = f.get("rollup") or ""
            if rollup not in ROLLUPS:
                errors.append(f"字段“{label or fkey}”的汇总方式无效。")
            if rollup in ("sum",) and ftype not in NUMERIC:
                errors.append(f"字段“{label or fkey}”不是数字，不能求和。")
            if rollup == "max" and ftype not in (*NUMERIC, "date", "datetime"):
                errors.append(f"字段“{label or fkey}”不能取最大值。")
            when = f.get("when")
            if when and (
                not isinstance(when, dict) or when.get("field") not in {x.get("key") for x in flist}
            ):
                errors.append(f"字段“{label or fkey}”的显示条件引用了不存在的字段。")
        event = s.get("event_field")
        if event and event not in keys:
            errors.append(f"分组“{s.get('title') or key}”的事件日期字段“{event}”不存在。")
    fmap = field_map(schema)
    for rule in schema.get("rules") or []:
        sec = rule.get("section")
        names = [rule.get("a"), rule.get("b")] if rule.get("kind") == "le" else []
        if rule.get("kind") == "sum":
            names = [rule.get("total"), *(rule.get("parts") or [])]
        if rule.get("kind") not in ("le", "sum") or not names:
            errors.append("校验规则类型无效（应为“不大于”或“等于合计”）。")
            continue
        for name in names:
            f = fmap.get((sec, name))
            if f is None or f.get("type") not in NUMERIC | {"date", "datetime"}:
                errors.append(f"校验规则引用的字段“{name}”不存在或不是数字。")
    return errors


# ---- values --------------------------------------------------------------------------------------------


def to_decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def is_empty(value: Any) -> bool:
    if value is None or value == "" or value == []:
        return True
    if isinstance(value, dict):
        return not any(str(v).strip() for k, v in value.items() if k in ("name", "title", "unit", "stored"))
    return False


def applies(field: Mapping[str, Any], row: Mapping[str, Any]) -> bool:
    """A conditional column applies only when the field it depends on has one of the listed values."""
    when = field.get("when")
    if not when:
        return True
    value = row.get(when.get("field"))
    allowed = [str(v) for v in when.get("in") or []]
    if isinstance(value, list):
        return any(str(v) in allowed for v in value)
    return str(value) in allowed if value is not None else False


def clean_value(field: Mapping[str, Any], raw: Any) -> tuple[Any, str | None]:
    """The value as stored, or the reason it is refused (in Chinese, naming no field: the caller does)."""
    ftype = field.get("type")
    if is_empty(raw):
        return None, None
    if ftype in ("text", "longtext"):
        text = str(raw).strip()
        limit = int(field.get("max_length") or (MAX_TEXT if ftype == "longtext" else 200))
        return (text, None) if len(text) <= limit else (None, f"不能超过 {limit} 个字")
    if ftype == "date":
        try:
            return dt.date.fromisoformat(str(raw).strip()[:10]).isoformat(), None
        except ValueError:
            return None, "日期格式应为 年-月-日"
    if ftype == "datetime":
        try:
            value = dt.datetime.fromisoformat(str(raw).strip())
        except ValueError:
            return None, "时间格式应为 年-月-日 时:分"
        return value.replace(tzinfo=None, second=0, microsecond=0).isoformat(timespec="minutes"), None
    if ftype in NUMERIC:
        number = to_decimal(raw)
        if number is None:
            return None, "应填写数字"
        if ftype == "integer" and number != number.to_integral_value():
            return None, "应填写整数"
        if abs(number) >= MONEY_LIMIT:
            return None, "数值过大"
        low, high = to_decimal(field.get("min")), to_decimal(field.get("max"))
        if low is not None and number < low:
            return None, f"不能小于 {low}"
        if high is not None and number > high:
            return None, f"不能大于 {high}"
        if ftype == "integer":
            return int(number), None
        if number != number.quantize(CENT, rounding=ROUND_HALF_UP):
            return None, "金额最多保留两位小数"
        return str(number.quantize(CENT)), None
    if ftype == "choice":
        choices = [str(c) for c in field.get("choices") or []]
        return (str(raw), None) if str(raw) in choices else (None, "请从选项中选择")
    if ftype == "multichoice":
        values = raw if isinstance(raw, list) else [raw]
        choices = [str(c) for c in field.get("choices") or []]
        chosen = [str(v) for v in values if str(v)]
        if any(v not in choices for v in chosen):
            return None, "请从选项中选择"
        return [c for c in choices if c in chosen], None
    if ftype == "person":
        if not isinstance(raw, dict):
            raw = {"name": str(raw)}
        person = {k: str(raw.get(k) or "").strip()[:100] for k, _ in PERSON_PARTS}
        return (person, None) if person["name"] else (None, "请填写姓名")
    if ftype == "unit":
        if isinstance(raw, dict):
            name = str(raw.get("name") or "").strip()[:100]
            uid = raw.get("id")
            return {"id": int(str(uid)) if str(uid or "").isdigit() else None, "name": name}, None
        return {"id": None, "name": str(raw).strip()[:100]}, None
    if ftype == "file":
        if not isinstance(raw, dict) or not raw.get("stored"):
            return None, "附件无效，请重新上传"
        return {k: raw.get(k) for k in ("name", "stored", "type", "size")}, None
    return None, "字段类型无效"


def display(field: Mapping[str, Any], value: Any) -> str:
    """A stored value as a cell of the table shows it."""
    if is_empty(value):
        return ""
    ftype = field.get("type")
    if ftype == "multichoice":
        return "、".join(value)
    if ftype == "person":
        return "，".join(v for v in (value.get("name"), value.get("title"), value.get("unit")) if v)
    if ftype in ("unit", "file"):
        return str(value.get("name") or "")
    if ftype == "datetime":
        return str(value).replace("T", " ")
    return str(value)


# ---- validating a return -------------------------------------------------------------------------------


def clean_data(
    schema: Mapping[str, Any], data: Any, *, complete: bool
) -> tuple[dict[str, Any], list[Problem]]:
    """The return's rows as stored, and every problem found. ``complete``: required fields and the rules
    are checked too (on submit, and as the user types); a draft keeps whatever it can."""
    data = data if isinstance(data, dict) else {}
    cleaned: dict[str, Any] = {}
    problems: list[Problem] = []
    for s in sections(schema):
        key = s["key"]
        rows = data.get(key)
        if not s.get("repeating"):
            rows = [rows] if isinstance(rows, dict) else (rows[:1] if isinstance(rows, list) else [{}])
        if not isinstance(rows, list):
            rows = []
        if len(rows) > MAX_ROWS:
            problems.append(Problem(key, None, "", f"“{s['title']}”最多 {MAX_ROWS} 行。"))
            rows = rows[:MAX_ROWS]
        out_rows = []
        for i, raw_row in enumerate(rows):
            raw_row = raw_row if isinstance(raw_row, dict) else {}
            row: dict[str, Any] = {}
            for f in fields_of(s):
                if not applies(f, {**raw_row, **row}):
                    continue
                value, error = clean_value(f, raw_row.get(f["key"]))
                where = i if s.get("repeating") else None
                if error:
                    problems.append(Problem(key, where, f["key"], f"“{f['label']}”{error}。"))
                    if not complete and not is_empty(raw_row.get(f["key"])):
                        row[f["key"]] = raw_row.get(f["key"])  # a draft keeps what was typed
                    continue
                if value is None:
                    if complete and f.get("required"):
                        problems.append(Problem(key, where, f["key"], f"请填写“{f['label']}”。"))
                    continue
                row[f["key"]] = value
            if s.get("repeating") and not any(not is_empty(v) for v in row.values()):
                continue  # an empty row left at the end of the table
            out_rows.append(row)
        if complete and s.get("repeating") and s.get("min_rows") and len(out_rows) < int(s["min_rows"]):
            problems.append(Problem(key, None, "", f"“{s['title']}”至少填写 {s['min_rows']} 行。"))
        cleaned[key] = out_rows
    if complete:
        problems.extend(check_rules(schema, cleaned))
    return cleaned, problems


def check_rules(schema: Mapping[str, Any], data: Mapping[str, Any]) -> list[Problem]:
    fmap = field_map(schema)
    repeating = {s["key"]: bool(s.get("repeating")) for s in sections(schema)}
    problems: list[Problem] = []
    for rule in schema.get("rules") or []:
        sec = rule.get("section")
        for i, row in enumerate(data.get(sec) or []):
            where = i if repeating.get(sec) else None
            if rule.get("kind") == "le":
                a, b = rule["a"], rule["b"]
                va, vb = to_decimal(row.get(a)), to_decimal(row.get(b))
                if va is not None and vb is not None and va > vb:
                    la, lb = fmap[(sec, a)]["label"], fmap[(sec, b)]["label"]
                    problems.append(Problem(sec, where, a, f"“{la}”（{va}）不能大于“{lb}”（{vb}）。"))
            elif rule.get("kind") == "sum":
                total, parts = rule["total"], rule.get("parts") or []
                if to_decimal(row.get(total)) is None:
                    continue
                expected = sum((to_decimal(row.get(p)) or Decimal(0) for p in parts), Decimal(0))
                if to_decimal(row.get(total)) != expected:
                    names = "、".join(fmap[(sec, p)]["label"] for p in parts)
                    label = fmap[(sec, total)]["label"]
                    problems.append(
                        Problem(
                            sec, where, total, f"“{label}”应等于{names}之和（{expected.quantize(CENT)}）。"
                        )
                    )
    return problems


def refuse(problems: Iterable[Problem]) -> ServiceError:
    items = list(problems)
    return ServiceError(
        items[0].message if len(items) == 1 else f"有 {len(items)} 处需要修改：{items[0].message}",
        "invalid_return",
        status=422,
        extra={"problems": [p.as_dict() for p in items]},
    )


# ---- rolling up ----------------------------------------------------------------------------------------


def totals_of_rows(schema: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """The totals of one return's own rows: ``{"rows.guests": "12", "rows.__rows": 3, …}``."""
    totals: dict[str, Any] = {}
    for s in sections(schema):
        rows = data.get(s["key"]) or []
        totals[f"{s['key']}.__rows"] = len(rows)
        for f in fields_of(s):
            if f.get("rollup"):
                totals[f"{s['key']}.{f['key']}"] = _fold(f, [r.get(f["key"]) for r in rows])
    return totals


def _fold(field: Mapping[str, Any], values: list[Any]) -> Any:
    present = [v for v in values if not is_empty(v)]
    how = field.get("rollup")
    if how == "sum":
        return _number(field, sum((to_decimal(v) or Decimal(0) for v in present), Decimal(0)))
    if how == "count":
        return len(present)
    if how == "max":
        if field.get("type") in NUMERIC:
            best = max((to_decimal(v) for v in present), default=None, key=lambda d: d or Decimal(0))
            return _number(field, best) if best is not None else None
        return max((str(v) for v in present), default=None)
    if how == "list":
        seen: list[str] = []
        for v in present:
            for text in v if isinstance(v, list) else [display(field, v)]:
                if text not in seen and len(seen) < MAX_LIST:
                    seen.append(text)
        return seen
    return None


def _number(field: Mapping[str, Any], value: Decimal) -> Any:
    return int(value) if field.get("type") == "integer" else str(value.quantize(CENT))


def combine(schema: Mapping[str, Any], parts: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Totals of several returns folded into one (own rows ⊕ each child's totals): associative, so the
    province's totals are those of every leaf row without reading them."""
    parts = list(parts)
    out: dict[str, Any] = {}
    for s in sections(schema):
        key = f"{s['key']}.__rows"
        out[key] = sum(int(p.get(key) or 0) for p in parts)
        for f in fields_of(s):
            how = f.get("rollup")
            if not how:
                continue
            k = f"{s['key']}.{f['key']}"
            values = [p.get(k) for p in parts if p.get(k) is not None]
            if how == "sum":
                out[k] = _number(f, sum((to_decimal(v) or Decimal(0) for v in values), Decimal(0)))
            elif how == "count":
                out[k] = sum(int(str(v)) for v in values)
            elif how == "max":
                if f.get("type") in NUMERIC:
                    nums = [d for v in values if (d := to_decimal(v)) is not None]
                    out[k] = _number(f, max(nums)) if nums else None
                else:
                    out[k] = max((str(v) for v in values), default=None)
            else:
                seen: list[str] = []
                for v in values:
                    for text in v or []:
                        if text not in seen and len(seen) < MAX_LIST:
                            seen.append(text)
                out[k] = seen
    return out


def total_display(field: Mapping[str, Any], value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(value)
    return str(value).replace("T", " ") if field.get("type") == "datetime" else str(value)
