"""Word import keeps what the document holds: tables, numbered lists, tracked insertions, text boxes,
footnotes and pictures are carried into the draft, and what cannot be carried is named to the reporter."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from docx import Document
from docx.oxml import parse_xml

from baosong.reports.models import Report
from baosong.reports.wordimport import docx_import

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _png() -> bytes:
    """A 2×2 white PNG, written by hand so the test needs no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\xff" * 6 + b"\x00" + b"\xff" * 6)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


PNG = _png()


def rich_docx() -> bytes:
    document = Document()
    document.add_heading("城关镇推进老旧小区改造", level=1)
    document.add_paragraph("今年以来，城关镇共改造老旧小区12个。")
    for text in ("压实责任", "细化措施"):
        document.add_paragraph(text, style="List Number")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["小区", "户数", "完成"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["东湖苑", "320", "是"], strict=True):
        cell.text = text
    body = document.add_paragraph("惠及居民")
    body._p.append(parse_xml(f'<w:ins {W} w:id="1" w:author="王" w:date="2026-01-01T00:00:00Z">'
                             f'<w:r><w:t>3200余户</w:t></w:r></w:ins>'))  # fmt: skip
    body._p.append(parse_xml(f'<w:del {W} w:id="2" w:author="王" w:date="2026-01-01T00:00:00Z">'
                             f'<w:r><w:delText>（已删除的文字）</w:delText></w:r></w:del>'))  # fmt: skip
    box = document.add_paragraph("见右侧说明")
    box._p.append(
        parse_xml(
            f'<w:r {W}><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>'
            f"<w:txbxContent><w:p><w:r><w:t>文本框里的说明文字</w:t></w:r></w:p></w:txbxContent>"
            f"</v:textbox></v:shape></w:pict></w:r>"
        )
    )
    picture = io.BytesIO(PNG)
    document.add_picture(picture)
    document.sections[0].header.paragraphs[0].text = "城关镇人民政府"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_everything_the_file_holds_is_carried_or_named():
    result = docx_import(rich_docx())
    assert result.title == "城关镇推进老旧小区改造"
    lines = result.body.split("\n")
    assert lines[0] == "今年以来，城关镇共改造老旧小区12个。"
    assert lines[1:3] == ["1.压实责任", "2.细化措施"]
    assert "小区｜户数｜完成" in lines and "东湖苑｜320｜是" in lines
    assert "惠及居民3200余户" in lines  # accepted insertion; the deletion stays out
    assert "已删除" not in result.body
    assert lines[lines.index("见右侧说明") + 1] == "文本框里的说明文字"
    assert [name for name, _ in result.pictures] == ["图片1.png"]
    assert result.pictures[0][1] == PNG
    notes = "".join(result.notes)
    for expected in ["1个表格", "文本框", "修订", "1张图片已作为附件", "页眉、页脚未导入", "格式未保留"]:
        assert expected in notes, expected


def test_footnotes_come_after_the_text_and_comments_are_named():
    data = io.BytesIO(rich_docx())
    out = io.BytesIO()
    footnotes = (
        f'<w:footnotes {W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p>'
        f'</w:footnote><w:footnote w:id="1"><w:p><w:r><w:t>数据来源：城关镇统计站。</w:t></w:r></w:p>'
        f"</w:footnote></w:footnotes>"
    )
    comments = (
        f'<w:comments {W}><w:comment w:id="0" w:author="王"><w:p><w:r><w:t>请核实</w:t></w:r></w:p>'
        f"</w:comment></w:comments>"
    )
    with zipfile.ZipFile(data) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "[Content_Types].xml":
                content = content.replace(
                    b"</Types>",
                    b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.wordprocessingml.footnotes+xml"/>'
                    b'<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.wordprocessingml.comments+xml"/></Types>',
                )
            if info.filename == "word/_rels/document.xml.rels":
                content = content.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdF1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/footnotes" Target="footnotes.xml"/><Relationship Id="rIdC1" Type="http://'
                    b'schemas.openxmlformats.org/officeDocument/2006/relationships/comments" '
                    b'Target="comments.xml"/></Relationships>',
                )
            target.writestr(info, content)
        target.writestr("word/footnotes.xml", footnotes)
        target.writestr("word/comments.xml", comments)
    result = docx_import(out.getvalue())
    assert result.body.split("\n")[-1] == "注1：数据来源：城关镇统计站。"
    notes = "".join(result.notes)
    assert "脚注" in notes and "批注未导入" in notes


@pytest.mark.parametrize("via", ["page", "api"])
def test_import_puts_pictures_on_the_draft_and_tells_the_reporter(cast, client_as, tmp_path, via):
    upload = SimpleUploadedFile("信息.docx", rich_docx())
    client = client_as("township_reporter")
    with override_settings(ATTACHMENT_ROOT=tmp_path):
        if via == "page":
            response = client.post("/reports/import-docx", {"file": upload}, follow=True)
            page = response.content.decode()
            assert "1个表格已按行转为正文" in page and "1张图片已作为附件上传" in page
        else:
            response = client.post("/api/v1/reports/import-docx", {"file": upload})
            assert response.status_code == 201, response.content
            assert any("1张图片已作为附件上传" in note for note in response.json()["import_notes"])
    report = Report.objects.get(title="城关镇推进老旧小区改造")
    attachment = report.attachments.get()
    assert attachment.original_name == "图片1.png" and attachment.kind == "png"
