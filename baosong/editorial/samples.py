"""A realistic issue of 《临江政务信息》: the content of template previews (模板管理), the renderers'
tests and the benchmark (``sample_document(items=20)``). ``bench/sample_issue.py`` renders it to PNG."""

from __future__ import annotations

import datetime as dt

from baosong.editorial.document import (
    DistributionLine,
    DocColumn,
    DocItem,
    IssueDocument,
    ReviewSheet,
    ReviewSheetStep,
    TemplateStyle,
)

# (title, paragraphs, sources, editor's note): written like the items county offices send in.
ARTICLES: list[tuple[str, list[str], list[str], str]] = [
    (
        "东湖区“三个一”机制推动政务服务“高效办成一件事”",
        [
            "今年以来，东湖区聚焦企业和群众办事堵点难点，建立“一窗受理、一次告知、一网通办”工作机制，"
            "推动政务服务由“能办”向“好办、快办”转变。截至5月底，全区依申请政务服务事项网上可办率达98.6%，"
            "平均办理时限压缩52%。",
            "一是整合窗口资源。将原有27个部门专窗整合为综合受理、税费缴纳、不动产登记等6类综合窗口，"
            "推行“前台综合受理、后台分类审批、统一窗口出件”，群众办事平均排队时间由25分钟缩短至8分钟。"
            "二是编制办事指南。梳理高频事项126项，逐项明确申请材料、办理流程和承诺时限，"
            "实行一次性告知并在区政务服务网同步公开，材料退回率下降61%。",
            "三是打通数据壁垒。依托市一体化政务服务平台，与公安、人社、市场监管等部门共享数据接口43个，"
            "实现营业执照、身份证明等58类证照“免提交”，企业开办全流程压缩至1个工作日以内。"
            "下一步，该区将持续拓展“一件事”集成服务场景，年内新增上线退休、出生、企业注销等12个主题服务。",
        ],
        ["东湖区人民政府办公室"],
        "",
    ),
    (
        "我市多措并举抓好夏季防汛备汛工作",
        [
            "入汛以来，我市坚持“预”字当先、“实”字托底，压紧压实各级防汛责任，全力以赴做好防汛备汛各项工作。"
            "全市落实各级防汛责任人3862名，对全市87座水库、412公里堤防、36处在建涉水工程开展拉网式排查，"
            "发现并整改隐患问题149处。",
            "在物资储备方面，市县两级储备编织袋42万条、救生衣1.3万件、冲锋舟和橡皮艇86艘，"
            "组建市级抢险救援队伍12支共1460人，并与驻地部队、消防救援队伍建立联调联战机制。"
            "在监测预警方面，新建自动雨量站58个、视频监控点120个，实现重点区域雨水情实时监测，"
            "气象、水利、自然资源等部门实行24小时会商研判，预警信息直达村组和户。",
            "各县（市、区）已完成山洪灾害危险区转移避险演练76场次，参与群众2.1万人次，"
            "切实提升基层应急处置能力和群众自救互救能力。",
        ],
        [],
        "",
    ),
    (
        "西林县探索“党建+网格”模式提升基层治理效能",
        [
            "西林县坚持以党建引领基层治理，将全县划分为682个综合网格，配备专兼职网格员1950名，"
            "推动党组织和党员力量下沉到网格、服务延伸到群众家门口。今年1至5月，"
            "通过网格发现并化解矛盾纠纷1263件，化解率达97.2%。",
            "该县建立“网格吹哨、部门报到”响应机制，对网格员上报的问题实行分级分类处置，"
            "一般问题由村（社区）当日办结，复杂问题由乡镇统筹职能部门限时办结，"
            "重大问题提交县级联席会议研究解决，形成发现、流转、处置、反馈的工作闭环。"
            "同时，依托县社会治理综合指挥平台，实现事件受理、派单、督办、评价全程线上流转，"
            "平均处置时长缩短至1.8天。",
        ],
        ["西林县人民政府办公室"],
        "",
    ),
    (
        "我市县域特色产业发展的做法与启示",
        [
            "近年来，东湖区、西林县立足资源禀赋，因地制宜培育县域特色产业，"
            "走出了一条以产业振兴带动乡村全面振兴的路子。2024年，两地特色产业综合产值达到186亿元，"
            "带动农户户均增收4200元。",
            "一是坚持规划引领。两地分别编制茶叶、中药材等特色产业发展规划，"
            "明确“一县一业、一镇一特”发展布局，集中资金、项目和人才支持主导产业做大做强。"
            "二是坚持龙头带动。引进培育市级以上农业产业化龙头企业37家，推广“龙头企业+合作社+农户”模式，"
            "与农户签订保底收购合同2.6万份，让农民更多分享产业增值收益。"
            "三是坚持品牌赋能。“西林红”茶叶、“东湖百合”获评国家地理标志产品，"
            "电商销售额同比增长38%。",
            "两地经验表明，发展县域特色产业，必须坚持市场导向、突出比较优势、完善利益联结机制，"
            "才能把资源优势转化为发展优势。",
        ],
        ["东湖区人民政府办公室", "西林县人民政府办公室"],
        "县域是推进乡村全面振兴的主战场。东湖区、西林县坚持规划引领、龙头带动、品牌赋能，"
        "特色产业发展取得明显成效。现将两地做法予以刊发，供各地学习借鉴。",
    ),
    (
        "市市场监管局扎实开展食品安全“守底线、查隐患、保安全”专项行动",
        [
            "市市场监管局聚焦校园及周边、农村集体聚餐、网络订餐等重点领域，"
            "深入开展食品安全专项整治。行动开展以来，共检查各类食品生产经营主体1.2万家次，"
            "抽检食品样品3460批次，立案查处违法案件217件，责令整改问题隐患1089个。",
            "该局推行“互联网+明厨亮灶”，全市1860家学校食堂和大中型餐饮单位实现后厨操作实时可视，"
            "并将检查结果纳入市场主体信用记录，对严重违法失信主体依法实施联合惩戒，"
            "有力维护了人民群众“舌尖上的安全”。",
        ],
        ["市市场监管局"],
        "",
    ),
    (
        "南岭镇“小积分”撬动乡村治理“大变化”",
        [
            "南岭镇在全镇14个村推行积分制管理，围绕人居环境整治、移风易俗、邻里互助等8个方面"
            "细化积分标准46条，村民可凭积分在“积分超市”兑换生活用品。实施一年来，"
            "全镇累计发放积分23万分，参与农户达4100余户，占农户总数的91%。",
            "积分制管理让村民从“旁观者”变成“参与者”，村庄环境明显改善，"
            "红白喜事大操大办、高价彩礼等陈规陋习得到有效遏制，"
            "群众满意度测评由去年的86.4分提升到94.1分。",
        ],
        ["临川县南岭镇人民政府"],
        "",
    ),
]

BRIEFS: list[tuple[str, str]] = [
    (
        "市政府召开第15次常务会议",
        "6月10日，市长李明主持召开市政府第15次常务会议，研究部署安全生产、稳就业和优化营商环境等工作，"
        "审议通过《临江市促进民营经济高质量发展若干措施》。",
    ),
    (
        "我市开展2025年“安全生产月”宣传咨询日活动",
        "6月16日，全市各县（市、区）同步开展安全生产宣传咨询活动，"
        "设置咨询点112个，发放宣传资料3.6万份，接受群众咨询5200余人次。",
    ),
]


def _numbered(title: str, n: int) -> str:
    return title if n == 0 else f"{title}（{n + 1}）"


def sample_document(items: int = 6, *, withdrawn: bool = False) -> IssueDocument:
    """《临江政务信息》第12期（总第345期）with ``items`` items in two columns (the first ~2/3 under
    【工作动态】, the rest under 【基层经验】), two 简讯, 报/送/发 lines and 共印120份.

    Items cycle through the six articles above; repeated ones get a "（2）" suffix so titles stay unique.
    Each article is about 450–700 characters.
    """
    docs = []
    for i in range(items):
        title, paragraphs, sources, note = ARTICLES[i % len(ARTICLES)]
        docs.append(
            DocItem(
                title=_numbered(title, i // len(ARTICLES)),
                paragraphs=list(paragraphs),
                sources=list(sources),
                editor_note=note,
            )
        )
    split = max(1, (len(docs) * 2 + 2) // 3) if len(docs) > 1 else len(docs)
    columns = [DocColumn(name="工作动态", items=docs[:split])]
    if docs[split:]:
        columns.append(DocColumn(name="基层经验", items=docs[split:]))
    return IssueDocument(
        publication_name="临江政务信息",
        number_text="第12期（总第345期）",
        issuing_unit="临江市人民政府办公室",
        date=dt.date(2025, 6, 18),
        style=TemplateStyle(),
        columns=columns,
        briefs=[DocItem(title=t, paragraphs=[p], is_brief=True) for t, p in BRIEFS],
        marking="内部资料",
        distribution=[
            DistributionLine("报", ["省政府办公厅", "市委常委", "市人大常委会主任", "市政协主席"]),
            DistributionLine("送", ["市委办公室", "市人大常委会办公室", "市政协办公室", "市纪委监委"]),
            DistributionLine("发", ["各县（市、区）人民政府", "市政府各部门", "各直属机构"]),
        ],
        print_count=120,
        withdrawn=withdrawn,
    )


def sample_review_sheet() -> ReviewSheet:
    title, paragraphs, sources, _ = ARTICLES[0]
    tz = dt.timezone(dt.timedelta(hours=8))
    return ReviewSheet(
        title=title,
        unit=sources[0],
        author="王晓燕",
        author_phone="0791-86123456",
        category="工作动态",
        urgency="一般",
        public_scope="依申请公开",
        created=dt.datetime(2025, 6, 9, 9, 12, tzinfo=tz),
        sent=dt.datetime(2025, 6, 10, 16, 40, tzinfo=tz),
        paragraphs=list(paragraphs),
        steps=[
            ReviewSheetStep(
                "信息员提交",
                "王晓燕",
                "东湖区人民政府办公室",
                dt.datetime(2025, 6, 9, 9, 30, tzinfo=tz),
                "请审核。",
            ),
            ReviewSheetStep(
                "科室审核",
                "陈志强",
                "东湖区人民政府办公室综合科",
                dt.datetime(2025, 6, 9, 15, 5, tzinfo=tz),
                "数据已与区政务服务中心核对，同意报送。",
            ),
            ReviewSheetStep(
                "审核签发",
                "刘建国",
                "东湖区人民政府办公室",
                dt.datetime(2025, 6, 10, 16, 40, tzinfo=tz),
                "同意报市政府办公室。",
            ),
            ReviewSheetStep(
                "市采编 采用",
                "赵敏",
                "临江市人民政府办公室信息科",
                dt.datetime(2025, 6, 12, 10, 18, tzinfo=tz),
                "拟编入《临江政务信息》第12期【工作动态】栏目。",
            ),
        ],
    )
