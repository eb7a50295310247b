"""The 通报 as DOCX and PDF: the issue's official layout, ranked tables that keep their order and fit the
text block, the 版记 at the foot, and the draft marking."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil

import pytest

from baosong.scoring.document import BulletinDocument, BulletinTable

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

UNITS = [
    "东湖区人民政府办公室",
    "西林县人民政府办公室",
    "市发展和改革委员会",
    "临川县人民政府办公室",
    "南岭区人民政府办公室",
    "市应急管理局",
    "北塘区人民政府办公室",
    "江口县人民政府办公室",
    "市卫生健康委员会",
    "高新区管委会办公室",
    "白沙县人民政府办公室",
    "市农业农村局",
    "石门县人民政府办公室",
    "市住房和城乡建设局",
    "经开区管委会办公室",
    "市教育局",
    "湖滨区人民政府办公室",
    "市生态环境局",
    "市交通运输局",
    "凤凰县人民政府办公室",
    "市自然资源局",
    "市市场监管局",
    "市公安局",
    "市商务局",
    "市民政局",
]
HEADERS = [
    "排名",
    "单位",
    "报送",
    "国家级采用",
    "省级采用",
    "市级采用",
    "县级采用",
    "采用率",
    "批示",
    "按时率",
    "约稿响应",
    "任务完成",
    "扣分",
    "积分",
]


def unit_rows(units: list[str]) -> list[list[str]]:
    rows = []
    for i, unit in enumerate(units):
        sent = 64 - 2 * i + (i % 4)
        national, provincial = max(0, 2 - i // 5), max(0, 9 - i // 3)
        city, county = max(1, 21 - i // 2), i % 3
        adopted = national + provincial + city + county
        on_time = 100.0 if i % 5 else 100.0 - (i % 7) * 2.4
        rows.append(
            [
                str(i + 1),
                unit,
                str(sent),
                str(national),
                str(provincial),
                str(city),
                str(county),
                f"{adopted / sent * 100:.1f}%",
                str(max(0, 3 - i // 8)),
                f"{on_time:.1f}%",
                f"{max(1, 5 - i // 6)}/5",
                "100%" if i < 18 else "80%",
                "0" if i % 6 else "2.0",
                f"{192.5 - 5.5 * i:.1f}",
            ]
        )
    return rows


def sample_bulletin(**changes: object) -> BulletinDocument:
    doc = BulletinDocument(
        masthead="政务信息工作通报",
        number_text="2026年第5期",
        issuing_unit="临江市人民政府办公室",
        date=dt.date(2026, 6, 8),
        title="关于2026年5月全市政务信息工作情况的通报",
        intro=[
            "5月份，全市各地各部门紧扣市委、市政府中心工作，围绕防汛备汛、安全生产、项目建设等重点任务，"
            "及时报送工作动态和经验做法，政务信息工作整体保持良好态势。现将有关情况通报如下。",
            "全月共报送政务信息1,126条，较上月增长8.6%；被国家级采用12条、省级采用97条、市级采用308条，"
            "采用率37.0%；获市领导批示26条次。约稿按时响应率96.4%，15个单位完成月度报送任务。",
        ],
        tables=[
            BulletinTable(
                title="各地区各部门政务信息工作情况（按积分排序）",
                headers=HEADERS,
                rows=unit_rows(UNITS),
                note="积分相同的，按采用率排序；国家级、省级采用含转报采用，批示以市级以上领导签批件为准。",
            ),
            BulletinTable(
                title="优秀信息员（前10名）",
                headers=["排名", "姓名", "单位", "采用", "批示", "积分"],
                rows=[
                    [
                        str(i + 1),
                        name,
                        UNITS[i * 2],
                        str(19 - i),
                        str(max(0, 3 - i // 3)),
                        f"{58 - 3.5 * i:.1f}",
                    ]
                    for i, name in enumerate(
                        [
                            "王晓燕",
                            "刘建国",
                            "陈思远",
                            "赵敏",
                            "孙丽华",
                            "周海波",
                            "吴婷",
                            "郑伟",
                            "冯雪梅",
                            "何志强",
                        ]
                    )
                ],
            ),
        ],
        highlights=[
            "东湖区围绕“高效办成一件事”连续报送3篇经验材料，其中1篇被国务院办公厅采用；市应急管理局"
            "汛期信息报送及时准确，2条信息获市领导批示。",
            "个别单位报送数量不足、时效性不强，市民政局、市商务局连续两个月未完成报送任务，请认真分析原因，"
            "切实加以改进。",
        ],
        remarks=["请各地各部门对照通报查找差距，进一步加强信息队伍建设，提高信息报送的质量和时效。"],
        distribution=[
            ("报", ["市政府领导"]),
            ("送", ["市委办公室", "市人大常委会办公室", "市政协办公室"]),
            ("发", ["各县（市、区）人民政府", "市政府各部门"]),
        ],
    )
    return dataclasses.replace(doc, **changes)  # type: ignore[arg-type]
