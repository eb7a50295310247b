"""The administrator's pages: templates (模板管理, with preview) and publications with their distribution."""

from __future__ import annotations

from baosong.core.models import AuditEvent
from baosong.editorial.models import IssueTemplate, Publication


def template_form(**changes: object) -> dict[str, object]:
    return {
        "name": "县级简报",
        "variant": "regular",
        "masthead_text": "",
        "masthead_color": "#B00000",
        "masthead_size_pt": "40",
        "masthead_font": "方正小标宋简体",
        "title_font": "方正小标宋简体",
        "heading_font": "黑体",
        "body_font": "仿宋_GB2312",
        "kai_font": "楷体_GB2312",
        "show_closing_block": "on",
        **changes,
    }


def test_an_administrator_creates_a_template_and_previews_it(client_as):
    admin = client_as("sysadmin")
    response = admin.post("/manage/templates/", template_form())
    assert response.status_code == 302
    template = IssueTemplate.objects.get(name="县级简报")
    assert template.masthead_color == "#B00000" and float(template.masthead_size_pt) == 40
    assert AuditEvent.objects.filter(event_type="template.create", object_id=str(template.pk)).exists()
    preview = admin.get(f"/manage/templates/{template.pk}/preview")
    assert preview.status_code == 200 and "#B00000" in preview.content.decode()
    assert preview["X-Frame-Options"] == "SAMEORIGIN"  # shown in the edit page's frame
    pdf = admin.get(f"/manage/templates/{template.pk}/preview.pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"


def test_a_bad_colour_or_size_is_refused_in_chinese_and_nothing_is_saved(client_as):
    admin = client_as("sysadmin")
    page = admin.post(
        "/manage/templates/", template_form(masthead_color="red", name="坏模板")
    ).content.decode()
    assert "版头颜色应为 #RRGGBB 形式" in page
    page = admin.post(
        "/manage/templates/", template_form(masthead_size_pt="200", name="坏模板")
    ).content.decode()
    assert "72" in page
    assert not IssueTemplate.objects.filter(name="坏模板").exists()


def test_a_business_user_cannot_manage_templates_or_publications(client_as):
    editor = client_as("county_editor")
    assert editor.get("/manage/templates/").status_code == 403
    assert editor.get("/manage/publications/").status_code == 403


def test_a_publication_resolves_its_distribution_lines(cast, client_as):
    admin = client_as("sysadmin")
    response = admin.post(
        "/manage/publications/",
        {
            "unit": cast.city_editor.unit.pk,
            "name": "《每周情况》",
            "kind": "briefing",
            "columns": "要情\n动态",
            "print_count": "30",
            "signer_role": "chief",
            "marking": "内部资料",
            "total_base": "0",
            "base_number": "0",
            "is_active": "on",
            "up": "DEMO-P\n省委办公厅",
            "peer": "赵明",
            "down": "临江市东湖区人民政府办公室，临江市西林县人民政府办公室",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    pub = Publication.objects.get(name="每周情况")  # the book-title marks are dropped
    assert pub.columns == ["要情", "动态"]
    lines = {(r.group, r.name): (r.unit_id, r.user_id) for r in pub.recipients.all()}
    assert lines[("up", "清源省人民政府办公厅")][0] == cast.province_editor.unit.pk
    assert lines[("up", "省委办公厅")] == (None, None)  # outside the system: printed only
    assert lines[("peer", "赵明")][1] == cast.city_leader.user.pk
    assert len([g for g, _ in lines if g == "down"]) == 2
    page = admin.get(f"/manage/publications/{pub.pk}/").content.decode()
    assert "系统外" in page and "系统内领导" in page


def test_a_duplicate_publication_name_is_refused(cast, client_as):
    admin = client_as("sysadmin")
    data = {
        "unit": cast.county_editor.unit.pk, "name": "东湖政务信息", "kind": "regular", "print_count": "1",
        "signer_role": "chief", "total_base": "0", "base_number": "0",
    }  # fmt: skip
    page = admin.post("/manage/publications/", data).content.decode()
    assert "本单位已有同名刊物" in page
    assert Publication.objects.filter(name="东湖政务信息").count() == 1
