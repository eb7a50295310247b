"""The pages measured one at a time (bench/load): name → (whose session, path), and the cast they use.
No locust here, so the runner and profile_page.py can read it without gevent's monkey-patching."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

# The cast (LOAD_CAST): accounts and object ids picked by bench/load/prepare.py.
CAST: dict[str, Any] = (
    json.loads(Path(os.environ["LOAD_CAST"]).read_text(encoding="utf-8"))
    if os.environ.get("LOAD_CAST")
    else {}
)

# name → (who, path). "who" is a key of CAST["users"], or "" for an anonymous visitor.
PAGES: dict[str, tuple[str, str]] = {
    "floor": ("county_editor", "/bench/floor/"),
    "工作台": ("county_editor", "/"),
    "未读通知片段": ("county_editor", "/notices/unread"),
    "收件箱": ("county_editor", "/inbox/"),
    "收件箱信息": ("county_editor", "/inbox/{submission}/"),
    "同题归组": ("county_editor", "/inbox/groups/"),
    "组稿": ("county_editor", "/issues/{issue}/"),
    "API 收件箱": ("county_editor", "/api/v1/inbox"),
    "本单位信息": ("reporter", "/reports/"),
    "信息页": ("reporter", "/reports/{item}/"),
    "API 本单位信息": ("reporter", "/api/v1/reports"),
    "统计（月）": ("province_editor", "/stats/?period={month}"),
    "统计（年）": ("province_editor", "/stats/?period={year}"),
    "积分明细": ("province_editor", "/stats/ledger/?period={month}"),
    "检索 常见词": ("province_editor", "/search/?q=%E9%98%B2%E6%B1%9B"),  # 防汛
    "检索 少见词": ("province_editor", "/search/?q=%E6%B8%97%E6%BC%8F"),  # 渗漏
    "检索 短语": (
        "province_editor",
        "/search/?q=%22%E9%98%B2%E6%B1%9B%E5%BA%94%E6%80%A5%E6%BC%94%E7%BB%83%22",
    ),
    "门户首页": ("", "/portal/"),
    "刊物 PDF": ("county_editor", "/issues/{issue}/document.pdf"),
}


def page_path(name: str) -> str:
    return PAGES[name][1].format(month=CAST.get("month"), year=CAST.get("year"), **CAST.get("ids", {}))
