"""Pre-submit checks (报送前检查). One function per check; each finding explains itself in Chinese and
points at the position in the text. Run live on the editor page and again, authoritatively, on submit."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from baosong.reports import timeliness
from baosong.reports.models import Report, ReportStatus, SensitiveWord
from baosong.reports.selectors import category_by_code

BLOCKING = "blocking"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    severity: str
    field: str = "body"
    start: int | None = None
    end: int | None = None
    excerpt: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# Classified content never enters the system (国家秘密不上网). Markings as printed on documents.
MARKING_RE = re.compile(r"(绝密|机密|秘密|内部资料|内部文件|内部★|工作秘密|商业秘密|★\s*\d+\s*年)")
# A marking standing alone (e.g. "秘密★1年" or "机密") rather than inside ordinary words like "秘密通道".
MARKING_STRICT = re.compile(
    r"(绝密|机密|秘密)\s*★|^\s*(绝密|机密|秘密|内部)\s*$|【(绝密|机密|秘密|内部)】|(密级|保密期限)[:：]"
)
ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d{9})(?!\d)")
CARD_RE = re.compile(r"(?<!\d)(\d{16,19})(?![\dXx])")  # not the 17 digits in front of an ID's X
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def id_number_valid(value: str) -> bool:
    """GB 11643 checksum of an 18-character resident identity number."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == value[17].upper()


def luhn_valid(value: str) -> bool:
    digits = [int(d) for d in value]
    checksum = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        checksum += d
    return checksum % 10 == 0


def _texts(report: Report) -> list[tuple[str, str]]:
    texts = [("title", report.title or ""), ("body", report.body or "")]
    texts += [(f"elements.{k}", str(v)) for k, v in (report.elements or {}).items()]
    return texts


def check_markings(report: Report) -> list[Finding]:
    found = []
    for field, text in _texts(report):
        for m in MARKING_STRICT.finditer(text):
            found.append(
                Finding(
                    "classified_marking",
                    f"发现密级标识“{m.group(0).strip()}”：涉密信息严禁通过本系统报送。",
                    BLOCKING,
                    field,
                    m.start(),
                    m.end(),
                    m.group(0),
                )
            )
    return found


def _personal(kind: str) -> str:
    mode = settings.PERSONAL_DATA_CHECKS.get(kind, WARNING)
    return BLOCKING if mode == BLOCKING else WARNING


def check_id_numbers(report: Report) -> list[Finding]:
    found = []
    for field, text in _texts(report):
        for m in ID_RE.finditer(text):
            if id_number_valid(m.group(1)):
                found.append(
                    Finding(
                        "id_number",
                        "发现公民身份号码，请删除或脱敏后再报送。",
                        _personal("id_number"),
                        field,
                        m.start(1),
                        m.end(1),
                        m.group(1)[:6] + "********" + m.group(1)[-4:],
                    )
                )
    return found


def check_mobiles(report: Report) -> list[Finding]:
    found = []
    for field, text in _texts(report):
        for m in MOBILE_RE.finditer(text):
            found.append(
                Finding(
                    "mobile",
                    "发现手机号码，请确认是否需要脱敏。",
                    _personal("mobile"),
                    field,
                    m.start(1),
                    m.end(1),
                    m.group(1)[:3] + "****" + m.group(1)[-4:],
                )
            )
    return found


def check_bank_cards(report: Report) -> list[Finding]:
    found = []
    for field, text in _texts(report):
        for m in CARD_RE.finditer(text):
            value = m.group(1)
            if luhn_valid(value) and not (len(value) == 18 and id_number_valid(value)):
                found.append(
                    Finding(
                        "bank_card",
                        "发现银行卡号，请删除或脱敏后再报送。",
                        _personal("bank_card"),
                        field,
                        m.start(1),
                        m.end(1),
                        value[:4] + "****" + value[-4:],
                    )
                )
    return found


def check_title(report: Report) -> list[Finding]:
    title = (report.title or "").strip()
    limit = int(settings.REPORT_TITLE_MAX)
    if not title:
        return [Finding("title_empty", "标题不能为空。", BLOCKING, "title")]
    if len(title) > limit:
        return [
            Finding(
                "title_too_long",
                f"标题有 {len(title)} 字，超过 {limit} 字，请精炼。",
                WARNING,
                "title",
                limit,
                len(title),
            )
        ]
    return []


def check_body(report: Report) -> list[Finding]:
    if not (report.body or "").strip():
        return [Finding("body_empty", "正文不能为空。", BLOCKING, "body")]
    return []


def element_value(report: Report, key: str) -> str:
    """A 要素 as the item states it: 时间 and 地点 are the item's event time and place (older items and
    API clients may still carry them in ``elements``); the others are kept in ``elements``."""
    if key == "time" and report.event_time is not None:
        return timezone.localtime(report.event_time).strftime("%Y-%m-%d %H:%M")
    if key == "place" and (report.place or "").strip():
        return report.place.strip()
    return str((report.elements or {}).get(key, "")).strip()


def check_required_elements(report: Report) -> list[Finding]:
    """The 要素 the item's category requires (突发事件: 时间、地点、事件性质…), as the category now says."""
    category = category_by_code().get(report.category)
    if category is None:
        return []
    missing = [label for key, label in category.element_pairs if not element_value(report, key)]
    if not missing:
        return []
    return [
        Finding(
            "missing_elements", f"{category.label}信息缺少要素：{'、'.join(missing)}。", BLOCKING, "elements"
        )
    ]


def check_deadline(report: Report) -> list[Finding]:
    """The author sees while writing that the item's 时限 has passed: it will go out flagged 迟报."""
    if report.status not in ("", ReportStatus.DRAFT, ReportStatus.RETURNED):
        return []
    rule = timeliness.deadline_rule_for(report)
    if timezone.now() <= timeliness.due_at_for(report, rule, with_rule=True):
        return []
    return [
        Finding(
            "deadline_passed",
            f"已超过报送时限（{timeliness.rule_text(rule)}），报出后将标记为迟报。",
            WARNING,
            "event_time",
        )
    ]


def sensitive_words() -> list[tuple[str, bool]]:
    return list(SensitiveWord.objects.values_list("word", "blocking"))


def check_sensitive_words(report: Report, words: list[tuple[str, bool]] | None = None) -> list[Finding]:
    words = sensitive_words() if words is None else words
    found = []
    for field, text in _texts(report):
        for word, blocking in words:
            start = text.find(word)
            while start >= 0:
                found.append(
                    Finding(
                        "sensitive_word",
                        f"含有敏感词“{word}”，请斟酌表述。",
                        BLOCKING if blocking else WARNING,
                        field,
                        start,
                        start + len(word),
                        word,
                    )
                )
                start = text.find(word, start + len(word))
    return found


ALL_CHECKS = [
    check_title,
    check_body,
    check_markings,
    check_id_numbers,
    check_bank_cards,
    check_mobiles,
    check_required_elements,
    check_deadline,
]


def run_checks(
    report: Report, *, words: list[tuple[str, bool]] | None = None
) -> dict[str, list[dict[str, Any]]]:
    findings = [f for check in ALL_CHECKS for f in check(report)] + check_sensitive_words(report, words)
    return {
        "blocking": [f.as_dict() for f in findings if f.severity == BLOCKING],
        "warnings": [f.as_dict() for f in findings if f.severity == WARNING],
    }


def run_checks_many(reports: list[Report]) -> list[dict[str, list[dict[str, Any]]]]:
    """The checks of a list of items (the review queue): the sensitive words are read once, not per item."""
    words = sensitive_words()
    return [run_checks(r, words=words) for r in reports]
