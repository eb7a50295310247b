"""Editorial benchmark: rendering a 20-item issue (DOCX, PDF and OFD; median of 10 each) and the composing
page with 200 candidate items. ``ofd_20_items`` renders the PDF and converts it (a first download);
``ofd_from_pdf_20_items`` is the conversion alone (a download when the PDF is already in the document cache).

    .venv/bin/python bench/bench_editorial.py [--runs 20] [--candidates 200]

Runs in a throwaway SQLite database (a temporary BAOSONG_DATA_DIR) with the demo province; with
DATABASE_URL set it uses that PostgreSQL database instead (it must be empty or a test database: the
script migrates it and adds demo data). Prints a Markdown table and writes bench/editorial-<vendor>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
from bench.timing import timed  # noqa: E402

sys.path.insert(0, str(BENCH_DIR))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--candidates", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("BAOSONG_DATA_DIR", tempfile.mkdtemp(prefix="baosong-bench-editorial-"))
    os.environ.setdefault("BAOSONG_DEBUG", "1")
    os.environ.setdefault("BAOSONG_DEMO_MODE", "1")
    os.environ.setdefault("BAOSONG_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from baosong.core.ofd import pdf_to_ofd
    from baosong.demo.province import DEMO_PASSWORD, seed_demo
    from baosong.demo.sample_issue import sample_document
    from baosong.editorial import render_docx, render_ofd, render_pdf, services
    from baosong.editorial.models import Publication
    from baosong.orgs.models import User
    from baosong.reports import services as report_services

    call_command("migrate", verbosity=0)
    seed_demo()
    User.objects.filter(is_demo=True).update(must_change_password=False)
    reporter = User.objects.get(username="zhen_xinxiyuan")
    reviewer = User.objects.get(username="zhen_shenhe")
    editor = User.objects.get(username="xian_bianji")
    print(f"== {connection.vendor}: {args.candidates} candidate items", file=sys.stderr)
    for i in range(args.candidates):
        report = report_services.report_create(
            by=reporter,
            title=f"城关镇第{i + 1}项重点工作取得新进展",
            body="全镇上下齐心协力推进重点工作。" * 20,
        )
        report = report_services.report_submit(report=report, by=reporter)
        while report.status == "in_review":
            report = report_services.report_approve(report=report, by=reviewer)
        sub = report.submissions.get()
        if i % 2 == 0:
            report_services.submission_adopt(submission=sub, by=editor)
    pub = Publication.objects.get(name="东湖政务信息")
    issue = services.issue_create(by=editor, publication=pub)
    adopted = list(
        pub.unit.incoming.filter(status="adopted").order_by("id").values_list("pk", flat=True)[:10]
    )
    services.issue_item_add(issue=issue, by=editor, submission_ids=adopted)
    client = Client()
    login = client.post("/accounts/login", {"username": "xian_bianji", "password": DEMO_PASSWORD})
    assert login.status_code == 302, login.status_code

    doc = sample_document(items=20)
    pdf = render_pdf.render_issue_pdf(doc)
    docs_runs = max(10, args.runs // 2)
    results = {
        "vendor": connection.vendor,
        "candidates": args.candidates,
        "docx_20_items": timed(lambda: render_docx.render_issue_docx(doc), docs_runs),
        "pdf_20_items": timed(lambda: render_pdf.render_issue_pdf(doc), docs_runs),
        "ofd_20_items": timed(lambda: render_ofd.render_issue_ofd(doc), docs_runs),
        "ofd_from_pdf_20_items": timed(lambda: pdf_to_ofd(pdf, title=doc.publication_name), docs_runs),
        "pdf_bytes": len(pdf),
        "docx_bytes": len(render_docx.render_issue_docx(doc)),
        "ofd_bytes": len(render_ofd.render_issue_ofd(doc, pdf=pdf)),
        "compose_page": timed(lambda: client.get(f"/issues/{issue.pk}/"), args.runs),
        "candidate_picker_200": timed(lambda: client.get(f"/issues/{issue.pk}/candidates"), args.runs),
        "preview_html": timed(lambda: client.get(f"/issues/{issue.pk}/preview"), args.runs),
    }
    rows = [(k, v) for k, v in results.items() if isinstance(v, dict)]
    print("| measurement | median ms | p95 ms | runs |\n|---|---|---|---|")
    for name, v in rows:
        print(f"| {name} | {v['median_ms']} | {v['p95_ms']} | {v['runs']} |")
    out = BENCH_DIR / f"editorial-{connection.vendor}.json"
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
