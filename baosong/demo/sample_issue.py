"""A realistic issue of 《临江政务信息》: the content of template previews (模板管理) and of the benchmark
(``sample_document(items=20)``). ``bench/sample_issue.py`` renders it to PNG.
The articles, 简讯, 报/送/发 lines and the review sheet are in ``data/sample_issue.json``."""

from __future__ import annotations

import datetime as dt

from baosong.demo.texts import load
from baosong.editorial.document import (
    DistributionLine,
    DocColumn,
    DocItem,
    IssueDocument,
    ReviewSheet,
    ReviewSheetStep,
    TemplateStyle,
)

TEXT = load("sample_issue.json")
# Written like the items county offices send in: title, paragraphs, sources, editor's note.
ARTICLES = TEXT["articles"]


def _numbered(title: str, n: int) -> str:
    return title if n == 0 else f"{title}（{n + 1}）"


def sample_document(items: int = 6, *, withdrawn: bool = False) -> IssueDocument:
    """《临江政务信息》第12期（总第345期）with ``items`` items in two columns (the first ~2/3 under
    【工作动态】, the rest under 【基层经验】), two 简讯, 报/送/发 lines and 共印120份.

    Items cycle through the six articles; repeated ones get a "（2）" suffix so titles stay unique.
    Each article is about 450–700 characters.
    """
    docs = []
    for i in range(items):
        article = ARTICLES[i % len(ARTICLES)]
        docs.append(
            DocItem(
                title=_numbered(article["title"], i // len(ARTICLES)),
                paragraphs=list(article["paragraphs"]),
                sources=list(article["sources"]),
                editor_note=article["editor_note"],
            )
        )
    split = max(1, (len(docs) * 2 + 2) // 3) if len(docs) > 1 else len(docs)
    first, second = TEXT["columns"]
    columns = [DocColumn(name=first, items=docs[:split])]
    if docs[split:]:
        columns.append(DocColumn(name=second, items=docs[split:]))
    return IssueDocument(
        publication_name=TEXT["publication"],
        number_text=TEXT["number"],
        issuing_unit=TEXT["issuing_unit"],
        date=dt.date.fromisoformat(TEXT["date"]),
        style=TemplateStyle(),
        columns=columns,
        briefs=[DocItem(title=b["title"], paragraphs=[b["text"]], is_brief=True) for b in TEXT["briefs"]],
        marking=TEXT["marking"],
        distribution=[DistributionLine(line["label"], list(line["names"])) for line in TEXT["distribution"]],
        print_count=TEXT["print_count"],
        withdrawn=withdrawn,
    )


def sample_review_sheet() -> ReviewSheet:
    article, sheet = ARTICLES[0], TEXT["review_sheet"]
    return ReviewSheet(
        title=article["title"],
        unit=article["sources"][0],
        author=sheet["author"],
        author_phone=sheet["author_phone"],
        category=sheet["category"],
        urgency=sheet["urgency"],
        public_scope=sheet["public_scope"],
        created=dt.datetime.fromisoformat(sheet["created"]),
        sent=dt.datetime.fromisoformat(sheet["sent"]),
        paragraphs=list(article["paragraphs"]),
        steps=[
            ReviewSheetStep(
                step["label"],
                step["person"],
                step["unit"],
                dt.datetime.fromisoformat(step["time"]),
                step["opinion"],
            )
            for step in sheet["steps"]
        ],
    )
