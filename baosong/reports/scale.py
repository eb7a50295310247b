"""A year of information items (信息) for benchmarks, written with bulk inserts and explicit ids.

Titles and bodies are composed here, from this module's own templates and word lists (topics, measures,
figures, events) and the place names of the unit tree. Every item follows the workflow's rules as if its
people had used the services: review trail, one submission per target at the parent unit, decisions
there, forwarding county → city → province. Times are drawn against one "now", so what is recent is
still waiting and what is old has been decided.

Like ``baosong.orgs.scale`` this writes no audit or domain events: the generated items are for timing
the reporting pages and lists, not for the scoring ledger or the search index.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import DateTimeField, JSONField, Max, Model
from django.utils import timezone

from baosong.orgs.models import Level, Membership, ReviewStep, Role, Unit, UnitKind
from baosong.orgs.scale import PLACE_A, PLACE_B
from baosong.reports.models import (
    URGENCY_RANK,
    Category,
    DeadlineRule,
    PublicScope,
    Report,
    ReportStatus,
    ReviewAction,
    Revision,
    Submission,
    SubmissionStatus,
    Urgency,
    Usage,
)

# ------------------------------------------------------------------------------------------ vocabulary
#
# Figures in the templates: {s1} {s2} a few (2–14), {m1} {m2} tens, {m1b} no more than {m1}, {l1} {l2}
# hundreds, {l1b} no more than {l1}, {x1} thousands, {pct} a rate (86–99), {r1} a change (3–30), {w1} {w2}
# 万元, {date} {date2} dates before the item; places: {p} the writing unit, {scope} its area (全镇, 全县),
# {vil} {vil2} places inside it, {nvil} how many there are, {pw} what they are (村（社区）), {leader} its
# head, {T} the topic.


@dataclass(frozen=True)
class Topic:
    name: str
    fields: frozenset[str]  # "gov": township and county offices; otherwise a department key (see DEPT_FIELDS)
    tags: tuple[str, ...]
    measures: tuple[tuple[str, str], ...]  # (heading, detail)
    results: tuple[str, ...]
    issues: tuple[str, ...]


def _topic(
    name: str,
    fields: str,
    tags: str,
    measures: Sequence[tuple[str, str]],
    results: Sequence[str],
    issues: Sequence[str],
) -> Topic:
    return Topic(
        name, frozenset(fields.split()), tuple(tags.split()), tuple(measures), tuple(results), tuple(issues)
    )


# fmt: off
TOPICS = [
    _topic(
        "汛前隐患排查整治", "gov water emergency", "防汛 隐患排查",
        [("开展拉网式排查", "组织{s1}个检查组，对辖区{s2}座小型水库、{m1}处山塘和{m2}处地质灾害"
                          "隐患点逐一排查，建立问题、责任、整改三张清单"),
         ("压实防汛责任", "逐一明确水库、山塘和隐患点的行政、技术和巡查责任人，签订责任书{l1}份"),
         ("备足防汛物资", "储备编织袋{x1}条、救生衣{l1}件、抽水泵{m1}台，组建应急抢险队伍{s1}支共{l2}人"),
         ("开展应急演练", "在{vil}组织防汛应急演练，{l1}名干部群众参加，检验了预案的可操作性")],
        ["共排查隐患{m1}处，已整改{m1b}处，整改率{pct}%，其余隐患均已落实临时管控措施",
         "共发放防汛明白卡{x1}张，更新危险区域转移群众名册{l1}人"],
        ["部分山塘年久失修、存在渗漏隐患", "基层防汛物资储备不足、更新不及时",
         "巡查人员年龄偏大、专业能力不足"],
    ),
    _topic(
        "安全生产大检查", "gov emergency", "安全生产",
        [("聚焦重点行业", "围绕危险化学品、建筑施工、道路运输、消防等重点领域，检查生产经营单位{m1}家"),
         ("推行“四不两直”", "采取不发通知、不打招呼、直奔基层、直插现场的方式暗查暗访{m2}次"),
         ("严格执法问责", "对检查发现的问题一律挂牌督办，下达整改通知书{m1b}份，"
                          "立案处罚{s1}起，罚款{w1}万元"),
         ("强化宣传培训", "开展安全生产“大讲堂”{s2}场，培训企业负责人和安全管理人员{l1}人次")],
        ["共检查企业{m1}家，发现一般隐患{l1}处，已整改{l1b}处，整改率{pct}%",
         "全年未发生较大以上生产安全事故，事故起数同比下降{s2}%"],
        ["部分小微企业安全投入不足", "安全监管力量与监管任务不匹配", "部分企业主体责任落实不到位"],
    ),
    _topic(
        "燃气安全专项整治", "gov emergency", "燃气安全 安全生产",
        [("全面摸底排查", "对辖区{m1}家餐饮场所和{l1}户居民用户的燃气管道、软管、报警装置逐户排查"),
         ("推广安装报警器", "为餐饮经营场所安装可燃气体报警装置{l1}套，更换老化软管{l2}根"),
         ("加强部门联动", "联合市场监管、消防等部门开展联合检查{s1}次，取缔非法储存气瓶点{s2}处")],
        ["共排查燃气用户{x1}户，整改隐患{l1b}处，整改率{pct}%",
         "发放燃气安全宣传资料{x1}份，入户讲解{l1}户"],
        ["老旧小区燃气管道老化严重", "部分餐饮商户使用不合格燃气具", "瓶装液化气配送环节监管薄弱"],
    ),
    _topic(
        "森林防灭火", "gov emergency", "森林防火",
        [("严防死守重点时段", "在清明、春节等重点时段设立卡口{m1}个，劝阻携带火种进山人员{l1}人次"),
         ("加强队伍建设", "组建半专业扑火队{s1}支{m2}人，配备风力灭火机{m1}台"),
         ("开展隐患清理", "清理林区可燃物{l1}亩，新开设防火隔离带{s2}公里")],
        ["辖区全年未发生森林火灾，野外违规用火查处{s1}起",
         "共巡护林区{x1}人次，排查整改火灾隐患{m1b}处"],
        ["护林员年龄偏大、巡护设备落后", "林区祭祀用火管控难度大"],
    ),
    _topic(
        "农村人居环境整治", "gov", "乡村振兴 人居环境",
        [("集中清理村庄环境", "组织党员干部和群众{l1}人次，清理生活垃圾{l2}吨、沟渠{m1}公里"),
         ("推进农村改厕", "新建改建农村卫生户厕{l1}户，建成公厕{s1}座"),
         ("建立长效管护机制", "在{vil}等{pw}推行“门前三包”和积分评比，每月开展“最美庭院”评选")],
        ["共清理“三堆”{x1}处，拆除残垣断壁{m1}处，村容村貌明显改善",
         "{m1}个行政村实现生活垃圾收运处置全覆盖，群众满意度达{pct}%"],
        ["部分村保洁经费缺口较大", "农村生活污水治理设施运维不到位", "群众主动参与意识不强"],
    ),
    _topic(
        "高标准农田建设", "gov finance", "乡村振兴 粮食安全",
        [("科学编制规划", "结合土地整治和水利建设，规划建设高标准农田{x1}亩，总投资{w1}万元"),
         ("严把工程质量", "聘请第三方监理，对沟渠、机耕路、泵站等工程实行全过程监管"),
         ("完善建后管护", "明确村级管护主体，落实管护资金{w2}万元")],
        ["已完成建设任务{x1}亩，占年度任务的{pct}%",
         "项目区亩均增产粮食{m1}公斤，受益农户{l1}户"],
        ["部分项目建后管护责任不清", "地方配套资金筹措压力较大"],
    ),
    _topic(
        "“三夏”生产", "gov", "粮食安全 农业生产",
        [("统筹调度农机", "组织联合收割机{l1}台、拖拉机{m1}台投入麦收，开展跨区作业服务"),
         ("做好技术服务", "派出农技人员{m2}人深入田间地头指导抢收抢种"),
         ("严防焚烧秸秆", "落实网格化巡查，推广秸秆还田{x1}亩")],
        ["已收获小麦{x1}亩，占应收面积的{pct}%，夏种进度快于去年同期",
         "夏粮预计总产{l1}万公斤，实现面积、单产、总产“三增”"],
        ["农机手老龄化，作业服务费用上涨", "阴雨天气影响小麦收晒"],
    ),
    _topic(
        "矛盾纠纷排查化解", "gov civil", "平安建设 基层治理",
        [("开展常态排查", "依托{m1}名网格员每周入户走访，建立矛盾纠纷台账"),
         ("推行多元调解", "整合人民调解、行政调解、司法调解力量，成立调解工作室{s1}个"),
         ("落实领导包案", "对疑难复杂纠纷实行{leader}包案，化解积案{s2}件")],
        ["共排查矛盾纠纷{l1}件，调处化解{l1b}件，化解率{pct}%",
         "今年以来辖区未发生“民转刑”案件，信访总量同比下降{r1}%"],
        ["邻里纠纷、土地权属纠纷占比较高", "基层调解员专业能力有待提升"],
    ),
    _topic(
        "防范电信网络诈骗宣传", "gov police", "平安建设 反诈",
        [("宣传进村入户", "组织民警和网格员走进{vil}、{vil2}等{pw}，发放宣传资料{x1}份"),
         ("推广反诈APP", "指导群众下载安装国家反诈中心APP{x1}人次"),
         ("精准预警劝阻", "对接预警信息{l1}条，上门劝阻潜在受害群众{m1}人")],
        ["电信网络诈骗案件发案数同比下降{r1}%，挽回群众损失{w1}万元",
         "共开展反诈宣传活动{m1}场，覆盖群众{x1}人次"],
        ["老年人和在校学生防骗意识薄弱", "涉诈“两卡”违法犯罪仍较突出"],
    ),
    _topic(
        "道路交通安全集中整治", "gov police", "交通安全 安全生产",
        [("严查突出违法", "设置执勤点{s1}个，查处酒驾、超员超载、无证驾驶等违法行为{l1}起"),
         ("排查道路隐患", "排查临水临崖、急弯陡坡等隐患路段{m1}处，增设警示标志{l2}块"),
         ("规范农村交通", "在{vil}等{pw}设立劝导站，组织劝导员{m2}人")],
        ["交通事故起数和死亡人数实现“双下降”",
         "共查处各类交通违法行为{x1}起，整改道路隐患{m1b}处"],
        ["农村道路安全设施欠账较多", "电动自行车违法载人现象较为普遍"],
    ),
    _topic(
        "校园安全隐患排查", "edu police", "校园安全",
        [("全面检查校舍", "对辖区{m1}所中小学、幼儿园的校舍、消防设施、食堂逐一检查"),
         ("强化护学岗", "在上下学时段设置“护学岗”{m2}个，每日投入警力和志愿者{l1}人"),
         ("开展安全教育", "开展防溺水、防欺凌、消防疏散演练{m1}场次，覆盖师生{x1}人")],
        ["共排查整改安全隐患{m1b}处，整改率{pct}%",
         "全县学校实现一键报警和视频监控全覆盖"],
        ["部分农村学校安保力量不足", "校园周边流动摊点治理反复"],
    ),
    _topic(
        "“双减”政策落实", "edu", "教育 双减",
        [("提升课后服务", "全县{m1}所义务教育学校开展课后服务，学生参与率{pct}%"),
         ("规范作业管理", "建立作业公示和总量审核制度，每月开展作业抽查"),
         ("治理校外培训", "联合市场监管部门检查校外培训机构{m2}家，责令整改{s1}家")],
        ["学生书面作业时长明显下降，家长满意度达{pct}%",
         "开设兴趣社团{l1}个，惠及学生{x1}人"],
        ["农村学校课后服务师资紧张", "隐形变异培训查处难度大"],
    ),
    _topic(
        "控辍保学", "edu gov", "教育",
        [("精准摸排", "依托学籍系统和户籍信息比对，逐一核查适龄儿童少年入学情况"),
         ("落实“双线”责任", "实行县长、局长、乡镇长、校长、村长、家长“六长”责任制"),
         ("分类劝返", "对辍学学生逐一制定劝返方案，劝返复学{s1}人")],
        ["全县义务教育巩固率达{pct}%，实现动态清零",
         "为残疾儿童送教上门{m1}人，每月送教{s2}次"],
        ["外出务工家庭子女流动性大、跟踪难"],
    ),
    _topic(
        "困难群众走访慰问", "gov civil", "民生保障",
        [("摸清底数", "对低保、特困、残疾、留守老人等困难群体逐户走访，建立台账{l1}户"),
         ("精准送温暖", "筹集慰问资金{w1}万元及米面油等物资，送到群众家中"),
         ("解决实际困难", "现场解决就医、住房、用水等急难愁盼问题{m1}件")],
        ["共走访慰问困难群众{l1}户，发放慰问金和物资折合{w1}万元",
         "为{m1}户困难家庭落实临时救助，发放救助金{w2}万元"],
        ["部分困难群众因病返贫风险较高", "农村独居老人照护力量不足"],
    ),
    _topic(
        "养老服务体系建设", "civil gov", "民生保障 养老",
        [("建设养老设施", "新建改建村级互助幸福院{s1}所、社区老年食堂{s2}个"),
         ("发展居家养老", "为{l1}名高龄、失能老人提供助餐、助洁等上门服务"),
         ("加强队伍建设", "培训养老护理员{m1}人，持证上岗率达{pct}%")],
        ["全县养老机构床位达到{x1}张，护理型床位占比{r1}%",
         "老年助餐服务累计惠及老人{x1}人次"],
        ["农村养老设施运营资金不足", "专业护理人员招不来、留不住"],
    ),
    _topic(
        "低保动态管理", "civil finance", "民生保障 社会救助",
        [("开展集中核查", "对在保对象{x1}户逐户入户核查家庭收入和财产状况"),
         ("做到应保尽保", "新纳入低保{m1}户，及时清退不符合条件对象{s1}户"),
         ("强化监督", "在村务公开栏公示低保名单，设立监督电话")],
        ["全年累计发放低保金{w1}万元，保障水平提高{s2}%",
         "核查发现问题{m1}个，已全部整改到位"],
        ["部分申请对象家庭收入核对难", "基层经办人员变动频繁、业务不熟"],
    ),
    _topic(
        "预算绩效管理", "finance", "财政管理",
        [("推进全过程绩效管理", "对{m1}个部门、{l1}个项目开展绩效目标审核"),
         ("强化结果应用", "将评价结果与预算安排挂钩，压减低效项目资金{w1}万元"),
         ("开展重点评价", "委托第三方对{s1}个重点项目开展绩效评价")],
        ["全县预算绩效目标覆盖率达100%，绩效自评率{pct}%",
         "节约财政资金{w2}万元，统筹用于民生领域"],
        ["部分单位绩效目标设置不够科学", "绩效评价结果应用刚性不足"],
    ),
    _topic(
        "惠企资金直达", "finance dev", "惠企 营商环境",
        [("建立直达机制", "开通惠企资金直达通道，实行“免申即享”"),
         ("加快资金拨付", "向{l1}家企业拨付各类奖补资金{w1}万元"),
         ("加强监督", "建立资金台账，确保资金“一竿子插到底”")],
        ["惠企资金平均拨付时间由{m1}天缩短至{s1}天",
         "累计惠及市场主体{x1}户"],
        ["部分中小企业对政策知晓度不高", "资金拨付环节仍然偏多"],
    ),
    _topic(
        "重点项目建设", "gov dev", "项目建设 经济发展",
        [("实行领导包联", "对{m1}个重点项目实行县级领导包联，一个项目一个专班"),
         ("破解要素制约", "协调解决用地、用电、资金等问题{m2}个"),
         ("加强调度督导", "每周调度项目进展，每月开展现场观摩")],
        ["{m1}个重点项目完成投资{w1}万元，占年度计划的{pct}%",
         "新开工项目{s2}个，竣工投产{s1}个"],
        ["部分项目征地拆迁进度滞后", "项目融资难度加大"],
    ),
    _topic(
        "“一网通办”改革", "gov dev", "政务服务 营商环境",
        [("推进事项网上办", "梳理政务服务事项{l1}项，全程网办率达{pct}%"),
         ("延伸基层服务", "在{vil}等{pw}设立便民服务站，提供帮办代办服务"),
         ("优化办事流程", "推出“一件事一次办”主题服务{m1}项，平均减少材料{r1}%")],
        ["办件量同比增长{r1}%，群众满意率{pct}%",
         "累计网上办件{x1}件，群众少跑腿{x1}人次"],
        ["部分系统数据不共享、重复录入", "老年群众使用线上服务存在困难"],
    ),
    _topic(
        "营商环境优化提升", "gov dev", "营商环境",
        [("开展入企走访", "组织干部走访企业{l1}家，收集问题诉求{m1}条"),
         ("压缩审批时限", "工程建设项目审批时间压缩至{s2}个工作日"),
         ("规范涉企检查", "推行“综合查一次”，减少涉企检查{m1}次")],
        ["企业反映问题已解决{m1b}条，办结率{pct}%",
         "新增市场主体{x1}户，同比增长{s2}%"],
        ["部分政策兑现不够及时", "企业融资难融资贵问题仍然存在"],
    ),
    _topic(
        "就业援助月活动", "hr gov", "就业 民生保障",
        [("举办专场招聘", "举办线上线下招聘会{s1}场，组织{m1}家企业提供岗位{x1}个"),
         ("精准帮扶困难群体", "对就业困难人员逐一建立台账，提供“一对一”就业服务"),
         ("开展技能培训", "开展电工、家政、电商等技能培训{m2}期，培训{l1}人")],
        ["达成就业意向{l1}人，帮助就业困难人员就业{m1}人",
         "城镇新增就业{x1}人，完成年度目标的{pct}%"],
        ["岗位需求与求职者技能不匹配", "大龄劳动力就业难"],
    ),
    _topic(
        "根治欠薪冬季攻坚", "hr", "劳动保障 民生保障",
        [("全面排查", "对在建工程项目和劳动密集型企业开展拉网式排查，检查用人单位{m1}家"),
         ("快速处置", "开通欠薪投诉“绿色通道”，做到即接即办"),
         ("落实制度", "督促在建项目落实实名制管理和工资专用账户")],
        ["为{l1}名农民工追回工资{w1}万元",
         "受理欠薪线索{m1}条，已办结{m1b}条"],
        ["部分工程项目层层分包、责任不清", "小微企业欠薪隐蔽性强"],
    ),
    _topic(
        "城乡居民养老保险扩面", "hr gov", "社会保障",
        [("摸清参保底数", "比对户籍和参保数据，摸排未参保人员{l1}人"),
         ("上门宣传动员", "组织社保协理员入户宣传{x1}户"),
         ("优化经办服务", "实现参保登记、缴费、待遇领取“村内办”")],
        ["全县城乡居民养老保险参保率达{pct}%",
         "新增参保{l1}人，发放待遇{w1}万元"],
        ["年轻群体参保积极性不高", "选择较低缴费档次人员占比较大"],
    ),
    _topic(
        "耕地保护“田长制”", "gov", "耕地保护 粮食安全",
        [("建立三级田长", "设立镇、村、组三级田长{l1}名，划定网格{m1}个"),
         ("常态化巡田", "田长每周巡田不少于{s1}次，发现问题及时上报"),
         ("整治违法占地", "拆除违法占用耕地建筑{m2}处，复耕{l2}亩")],
        ["新增违法占用耕地问题实现“零增长”",
         "整改到位耕地“非农化”问题{m1}个，恢复耕地{l1}亩"],
        ["部分耕地撂荒现象仍然存在", "基层巡田人员报酬偏低"],
    ),
    _topic(
        "河湖“清四乱”专项行动", "gov", "河长制 生态环境",
        [("压实河长责任", "各级河长累计巡河{x1}人次，发现问题{m1}个"),
         ("集中清理整治", "清理河道垃圾{l1}吨，拆除违法建筑{s1}处"),
         ("推进联合执法", "联合水利、生态环境等部门开展执法检查{m2}次")],
        ["{m1}个“四乱”问题已全部完成整改销号",
         "辖区{s2}条河流水质稳定达到Ⅲ类以上"],
        ["部分河道保洁经费不足", "河道采砂监管难度大"],
    ),
    _topic(
        "大气污染防治", "gov", "生态环境",
        [("管控扬尘污染", "对{m1}个建筑工地落实“六个百分之百”要求"),
         ("整治散乱污企业", "关停取缔散乱污企业{s1}家，整改提升{m2}家"),
         ("严禁露天焚烧", "组织网格员巡查{x1}人次，制止露天焚烧{m1}起")],
        ["空气质量优良天数比例达{pct}%，同比提高{s1}个百分点",
         "PM2.5平均浓度同比下降{s2}%"],
        ["秸秆综合利用渠道不畅", "部分企业环保设施运行不稳定"],
    ),
    _topic(
        "自建房安全专项整治", "gov", "住房安全 安全生产",
        [("全面排查", "对辖区{x1}栋自建房逐栋排查，重点检查用于经营的自建房"),
         ("分类处置", "对排查出的{m1}栋存在安全隐患的房屋采取停用、加固等措施"),
         ("建立长效机制", "落实房屋安全网格员制度，建立动态管理台账")],
        ["已完成隐患房屋整治{m1b}栋，整治率{pct}%",
         "经营性自建房安全鉴定完成率达{pct}%"],
        ["房屋安全鉴定机构力量不足", "部分房主整改意愿不强"],
    ),
    _topic(
        "农村公路建设", "gov", "交通 乡村振兴",
        [("加快项目建设", "实施农村公路提档升级工程{m1}公里，总投资{w1}万元"),
         ("完善安防设施", "增设护栏{l1}米、标志标牌{m2}块"),
         ("落实“路长制”", "设立县、乡、村三级路长{l1}名，实现管养全覆盖")],
        ["新改建农村公路{m1}公里，{s1}个村通上硬化路",
         "农村公路优良中等路率达{pct}%"],
        ["农村公路养护资金缺口较大", "部分通村公路路面窄、错车难"],
    ),
    _topic(
        "食品安全专项检查", "gov", "食品安全",
        [("检查重点场所", "检查学校食堂、农贸市场、餐饮单位{l1}家"),
         ("开展抽检", "抽检蔬菜、肉类等食品{l2}批次，合格率{pct}%"),
         ("查处违法行为", "立案查处食品安全违法案件{s1}起，罚没款{w1}万元")],
        ["共出动执法人员{l1}人次，责令整改{m1}家",
         "全县未发生重大食品安全事故"],
        ["小作坊、小摊贩监管难度大", "农村集体聚餐食品安全风险较高"],
    ),
    _topic(
        "城乡居民医保参保", "gov finance", "医疗保障 民生保障",
        [("开展集中征缴", "组织镇村干部入户宣传动员，发放政策明白纸{x1}份"),
         ("做好困难群体资助", "为{l1}名特困、低保对象落实参保资助{w1}万元"),
         ("推广线上缴费", "指导群众通过手机缴费{x1}人次")],
        ["全县城乡居民医保参保率达{pct}%",
         "困难群众参保资助做到应资尽资"],
        ["外出务工人员重复参保或断保", "部分群众对缴费标准提高存在疑虑"],
    ),
    _topic(
        "文明城市创建", "gov", "文明创建",
        [("整治突出问题", "集中整治占道经营、乱停乱放等问题{l1}处"),
         ("开展志愿服务", "组织志愿者{l1}人次开展文明交通劝导、环境清洁等志愿服务"),
         ("选树先进典型", "评选“好人好事”“文明家庭”{m1}个")],
        ["群众对创建工作满意度达{pct}%",
         "共开展新时代文明实践活动{l1}场次"],
        ["背街小巷环境卫生反弹", "部分群众文明意识有待提升"],
    ),
    _topic(
        "村级集体经济发展", "gov finance", "乡村振兴 集体经济",
        [("盘活闲置资源", "盘活闲置土地{l1}亩、闲置房屋{m1}处，发展物业经济"),
         ("发展特色产业", "在{vil}发展特色种植{l2}亩，采取“村集体+合作社+农户”模式"),
         ("规范资产管理", "开展农村集体“三资”清理，规范合同{l1}份")],
        ["{s2}个村集体经济收入超过{s1}0万元，“空壳村”全部清零",
         "村集体经济收入同比增长{r1}%"],
        ["部分村集体经济发展路子不宽", "村级经营人才缺乏"],
    ),
    _topic(
        "网格化社会治理", "gov civil", "基层治理",
        [("科学划分网格", "将辖区划分为{m1}个综合网格，配备专兼职网格员{l1}名"),
         ("推进“多网合一”", "整合综治、民政、应急等网格力量，实现“一网统管”"),
         ("强化平台运用", "网格员通过手机终端上报事件{x1}件，办结率{pct}%")],
        ["网格化服务管理覆盖率达100%",
         "通过网格发现化解各类问题{l1}件"],
        ["网格员待遇偏低、队伍不稳定", "部分职能部门下沉网格的事项过多"],
    ),
    _topic(
        "消防安全隐患排查", "gov emergency", "消防安全 安全生产",
        [("紧盯人员密集场所", "检查商场、宾馆、养老机构等人员密集场所{m1}家"),
         ("整治电动车充电隐患", "清理楼道违规停放、充电电动车{l1}辆，新建集中充电点{m2}处"),
         ("提升自防自救能力", "组建微型消防站{s1}个，开展消防演练{m1}场")],
        ["共检查社会单位{l1}家，督促整改火灾隐患{l1b}处",
         "火灾起数同比下降{r1}%，未发生亡人火灾"],
        ["老旧小区消防通道堵塞问题突出", "农村消防设施建设滞后"],
    ),
    _topic(
        "信访积案化解", "gov civil", "信访 平安建设",
        [("全面清理积案", "对{m1}件信访积案逐案建立工作台账"),
         ("领导包案化解", "实行“一案一领导、一案一专班”，{leader}亲自接访"),
         ("源头预防", "推行“领导接访+律师参与”，在{vil}设立信访代办点")],
        ["已化解信访积案{m1b}件，化解率{pct}%",
         "信访总量同比下降{r1}%，进京赴省访明显减少"],
        ["部分历史遗留问题政策依据不足", "个别信访人诉求过高"],
    ),
    _topic(
        "政策性粮食收购", "dev gov", "粮食安全",
        [("落实收购资金", "协调金融机构落实收购贷款{w1}万元"),
         ("增设收购网点", "设置收购网点{s1}个，延长收购时间，方便农民就近售粮"),
         ("强化市场监管", "开展收购市场巡查{m1}次，严禁压级压价、“打白条”")],
        ["累计收购粮食{x1}吨，为农民增收{w2}万元",
         "收购进度快于去年同期{s2}个百分点"],
        ["部分粮库仓容紧张", "粮食烘干能力不足"],
    ),
    _topic(
        "价格监测和保供稳价", "dev", "民生保障 价格",
        [("加强价格监测", "对粮油、蔬菜、猪肉等{m1}种重要民生商品实行日监测"),
         ("落实联动机制", "启动社会救助和保障标准与物价上涨挂钩联动机制"),
         ("保障市场供应", "组织{s1}家骨干企业增加储备投放")],
        ["发放价格临时补贴{w1}万元，惠及困难群众{x1}人次",
         "重要民生商品价格保持基本稳定"],
        ["部分蔬菜价格受天气影响波动较大"],
    ),
    _topic(
        "社会治安巡逻防控", "police", "平安建设",
        [("加强街面巡逻", "每日投入警力和群防群治力量{l1}人开展巡逻"),
         ("整治重点部位", "对网吧、娱乐场所等开展清查{m1}次"),
         ("强化科技支撑", "新建视频监控点位{l2}个，实现重点区域全覆盖")],
        ["刑事案件立案数同比下降{r1}%，群众安全感达{pct}%",
         "抓获违法犯罪嫌疑人{m1}名"],
        ["农村地区视频监控覆盖不足"],
    ),
]

# Department name → the field its topics and policies belong to.
DEPT_FIELDS = [
    ("发展和改革", "dev"), ("教育", "edu"), ("公安", "police"), ("民政", "civil"), ("财政", "finance"),
    ("人力资源", "hr"), ("应急管理", "emergency"), ("水利", "water"),
]

# (policy, fields, who benefits)
POLICIES = [
    ("耕地地力保护补贴", "gov finance", "户"),
    ("农机购置补贴", "gov finance", "户"),
    ("城乡居民基本养老保险待遇", "gov hr", "人"),
    ("稳岗返还", "hr", "家企业"),
    ("创业担保贷款贴息", "hr finance", "人"),
    ("家庭经济困难学生资助", "edu", "人次"),
    ("农村义务教育学生营养改善计划", "edu", "人"),
    ("临时救助", "gov civil", "人次"),
    ("最低生活保障", "gov civil", "户"),
    ("高龄津贴", "gov civil", "人"),
    ("惠企纾困政策", "dev finance", "家企业"),
    ("消费品以旧换新补贴", "dev", "人次"),
    ("农村危房改造补助", "gov", "户"),
    ("城乡医疗救助", "gov civil", "人次"),
    ("残疾人两项补贴", "civil gov", "人"),
]

SLOGANS = [
    "党建+网格", "村民说事", "积分超市", "四议两公开", "一站式服务", "接诉即办", "红黑榜", "乡贤理事会",
    "订单农业", "帮办代办", "院落长制", "周五议事日", "数字乡村", "群众点单、部门接单", "一村一法律顾问",
]

# (title phrase, short name, nature, consequence options, response)
EVENTS = [
    ("一起道路交通事故", "道路交通事故", "道路交通事故", ["造成{s1}人受伤，伤者已送医救治，无生命危险",
                                                    "造成车辆受损，未造成人员伤亡"],
     "交警、医护人员{s2}分钟内到达现场，疏导交通、救治伤员"),
    ("一起民房火灾", "民房火灾", "火灾事故", ["过火面积约{m1}平方米，未造成人员伤亡",
                                        "造成{s1}间房屋及部分家具损毁，无人员伤亡"],
     "消防救援人员迅速到场扑救，明火已于当日扑灭"),
    ("山体滑坡", "山体滑坡", "地质灾害", ["造成村道中断约{m1}米，未造成人员伤亡",
                                    "造成{s1}户民房后墙受损，无人员伤亡"],
     "紧急转移受威胁群众{m2}户{l1}人，设置警戒区并安排专人值守"),
    ("强降雨引发局部内涝", "强降雨内涝", "自然灾害", ["造成农作物受灾{l1}亩，部分低洼处民房进水",
                                                "造成{s1}处道路积水，交通一度中断"],
     "组织抢险人员{m2}人排涝抢险，转移群众{m1}人"),
    ("一起燃气泄漏事件", "燃气泄漏", "安全生产事件", ["未发生爆炸和人员伤亡",
                                              "{s1}人轻微不适，已送医观察"],
     "燃气公司抢修人员关闭阀门、完成抢修，疏散周边群众{l1}人"),
    ("一起溺水事件", "溺水事件", "意外事件", ["造成{s1}名儿童溺水，经抢救{s1}人脱离危险",
                                        "造成1人死亡"],
     "当地干部群众和救援队第一时间开展搜救"),
    ("森林火情", "森林火情", "森林火灾", ["过火面积约{m1}亩，未造成人员伤亡",
                                    "过火面积约{s1}亩，无人员伤亡和重要设施损失"],
     "扑火队员{l1}人迅速扑救，明火已于当晚扑灭"),
    ("冰雹灾害", "冰雹灾害", "自然灾害", ["造成农作物受灾{l1}亩，部分大棚受损",
                                    "造成{m1}户民房屋顶瓦片受损"],
     "组织干部逐户核查灾情，开展生产自救"),
]

LEADS = {
    "work_update": [
        "{date}，{p}召开{T}工作推进会，{leader}出席会议并讲话，会议对下阶段工作作了具体安排。",
        "{date}以来，{p}按照{upper}统一部署，扎实开展{T}，{aim}。",
        "为{aim}，{p}于{date}启动{T}，为期{s1}个月。",
        "今年以来，{p}把{T}作为重点工作来抓，坚持问题导向，狠抓工作落实，取得阶段性成效。",
        "近日，{p}组织开展{T}，{leader}带队深入{vil}等地督导检查。",
    ],
    "experience": [
        "近年来，{p}积极探索“{slogan}”工作机制，推动{T}走深走实，相关做法得到群众认可。",
        "{p}立足实际，创新推行“{slogan}”模式，破解了{T}中的难点问题。",
    ],
    "policy": [
        "今年以来，{p}认真落实{policy}政策，确保政策红利及时惠及群众。",
        "{date}以来，{p}多措并举推动{policy}政策落地落实，做到应享尽享。",
    ],
    "problem": [
        "当前，{p}{T}工作总体平稳有序，但在调研中发现，仍存在一些值得关注的问题。",
        "近期，{p}对{T}情况开展了专题调研，走访群众{l1}户，发现以下问题需引起重视。",
    ],
    "research": [
        "为全面掌握{T}情况，{date}至{date2}，{p}组成调研组，深入{vil}、{vil2}等{s1}个{pw}开展专题调研。",
        "近期，{p}围绕{T}开展专题调研，走访群众{l1}户，召开座谈会{s1}场。",
    ],
    "public_opinion": [
        "近期，{p}部分群众反映{issue}，希望有关部门予以关注。",
        "在近期开展的走访调研中，{vil}等地群众普遍反映{issue}。",
    ],
}
UPPER = ["上级", "县委、县政府", "市委、市政府", "省委、省政府"]
AIMS = [
    "切实保障人民群众生命财产安全", "推动各项工作落地见效", "不断增强群众获得感、幸福感、安全感",
    "营造良好的发展环境", "筑牢安全底线", "以实际成效取信于民",
]
NEXT = [
    "持续巩固工作成效，建立健全长效机制", "进一步压实工作责任，加强督查考核",
    "总结推广经验做法，扩大覆盖范围", "聚焦薄弱环节，加大整改力度", "加强部门协同，形成工作合力",
]
GOALS = ["确保各项任务按期完成", "推动工作再上新台阶", "切实把好事办好、实事办实", "为高质量发展提供有力保障"]
SUGGESTIONS = [
    "加大资金投入，建立稳定的经费保障机制", "加强基层队伍建设，开展业务培训",
    "完善考核评价办法，强化结果运用", "加强部门协同配合，形成工作合力",
    "出台配套支持政策，简化办理程序", "加强宣传引导，提高群众知晓率",
]
# Sentences that follow a measure, a lead or a finding, as offices pad out what they did.
ELABORATIONS = [
    "累计开展督导检查{s2}次，发现并推动解决问题{m1}个",
    "召开专题会议{s1}次，研究解决具体问题{m2}个",
    "印发工作方案和配套文件{s1}份，细化任务清单{m1}项",
    "组织业务培训{s2}场次，培训镇村干部和业务骨干{l1}人次",
    "建立问题台账，实行“交办、督办、销号”闭环管理",
    "通过微信公众号、村村响广播、宣传栏等渠道广泛宣传，发放资料{x1}份",
    "将工作情况纳入年度目标考核，每月通报进展，对进度滞后的单位约谈提醒",
    "抽调{m2}名干部组成工作专班，实行集中办公、挂图作战",
    "选取{vil}等{s1}个{pw}先行试点，成熟后在{scope}推开",
    "邀请人大代表、政协委员和群众代表{m1}人参与监督",
    "落实专项经费{w2}万元，保障工作顺利开展",
    "对排查发现的问题逐一建档，明确整改责任人和完成时限",
]
# A second sentence for the lead of a 工作动态 or 经验做法; the first only after a meeting.
MEETING_CONTEXT = "会议要求，各村（社区）和有关单位要提高思想认识，压实工作责任，确保各项任务落到实处。"
LEAD_CONTEXT = [
    "{leader}多次听取工作汇报，专题研究部署具体措施。",
    "此次工作覆盖{scope}{nvil}个{pw}和{s2}个部门，参与干部{l1}人。",
    "{p}成立了由主要负责同志任组长的领导小组，下设综合协调、督导检查等{s1}个工作组。",
    "工作开展以来，{scope}上下形成了一级抓一级、层层抓落实的工作格局。",
]
VOICES = [
    "有村民说：“这件事拖了好几年了，希望能早点解决。”",
    "有群众表示：“政策是好政策，就是办起来手续还是多了点。”",
    "一位老党员说：“大家都盼着这事，村里开会讨论过好几次。”",
    "有商户反映：“问题反映上去了，就是一直没有回音。”",
    "有群众说：“希望政府能帮忙协调一下，我们自己解决不了。”",
]
CAUSES = [
    "基层力量薄弱、专业人才缺乏", "资金投入不足、保障机制不健全", "部门之间协调配合不够顺畅",
    "群众参与意识不强、宣传引导不到位", "政策衔接不够、配套措施滞后",
]
NUMERALS = "一二三四五"
DECLINE_COMMENTS = ["信息价值不高", "与前期报送内容重复", "时效性不强", "内容不够具体，缺少数据支撑", ""]
RETURN_COMMENTS = ["请补充具体数据", "请核实时间、地点等要素", "标题请精炼", "请补充下一步工作打算"]
REVIEW_RETURN_COMMENTS = ["数据请再核实", "标题不够精炼，请修改", "请补充具体成效", "措施部分请再充实"]
# fmt: on

# ------------------------------------------------------------------------------------------ composition


@dataclass
class Source:
    """A unit that writes items, with what its texts need."""

    unit_id: int
    target_id: int
    county_id: int  # the county office whose area it is (its own id for the office itself)
    subjects: list[str]  # how titles name it: 新河镇, 东城县新河镇
    p: str  # how bodies name it: 新河镇, 县教育局
    scope: str  # 全镇, 全县
    leader: str
    domain: str  # "gov" or a department key
    places: list[str]  # villages of a township, townships of a county
    reporters: list[int]
    chain: list[dict[str, Any]] = field(default_factory=list)
    reviewer: int | None = None

    @property
    def place_word(self) -> str:
        return "村（社区）" if self.scope != "全县" else "乡镇（街道）"


def _figures(rng: random.Random) -> dict[str, Any]:
    r = rng.random
    m1, l1 = 12 + int(r() * 87), 120 + int(r() * 860)
    pct = 86 + int(r() * 14)
    return {
        "s1": 2 + int(r() * 8),
        "s2": 3 + int(r() * 12),
        "m1": m1,
        "m2": 12 + int(r() * 87),
        "m1b": max(1, m1 * pct // 100),
        "l1": l1,
        "l2": 120 + int(r() * 860),
        "l1b": max(1, l1 * pct // 100),
        "x1": 1200 + int(r() * 8600),
        "r1": 3 + int(r() * 28),
        "pct": pct,
        "w1": f"{20 + r() * 900:.1f}",
        "w2": f"{5 + r() * 200:.1f}",
    }


def _md(d: dt.datetime) -> str:
    return f"{d.month}月{d.day}日"


class Writer:
    """Composes titles and bodies. One instance per generation; all randomness from its ``rng``."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.topics_by_field: dict[str, list[Topic]] = defaultdict(list)
        for t in TOPICS:
            for f in t.fields:
                self.topics_by_field[f].append(t)
        self.policies_by_field: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for name, fields, unit in POLICIES:
            for f in fields.split():
                self.policies_by_field[f].append((name, unit))

    def _ctx(self, src: Source, at: dt.datetime, **extra: Any) -> dict[str, Any]:
        rng = self.rng
        vil, vil2 = rng.sample(src.places, 2) if len(src.places) > 1 else (src.places[0], src.places[0])
        back = at - dt.timedelta(days=3 + int(rng.random() * 40))
        return {
            **_figures(rng),
            "p": src.p,
            "scope": src.scope,
            "leader": src.leader,
            "vil": vil,
            "vil2": vil2,
            "nvil": len(src.places),
            "pw": src.place_word,
            "date": _md(back),
            "date2": _md(back + dt.timedelta(days=2 + int(rng.random() * 10))),
            "upper": rng.choice(UPPER),
            "aim": rng.choice(AIMS),
            **extra,
        }

    def _measures(self, topic: Topic, src: Source, at: dt.datetime, k: int, **extra: Any) -> list[str]:
        rng = self.rng
        chosen = rng.sample(topic.measures, min(k, len(topic.measures)))
        spare = rng.sample(ELABORATIONS, 2 * len(chosen))  # each at most once in an item
        out = []
        for i, (head, detail) in enumerate(chosen):
            ctx = self._ctx(src, at, **extra)
            text = f"{NUMERALS[i]}是{head}。" + detail.format(**ctx) + "。"
            for sentence in spare[2 * i : 2 * i + 1 + (rng.random() < 0.4)]:
                text += sentence.format(**self._ctx(src, at, **extra)) + "。"
            out.append(text)
        return out

    def _lead(self, kind: str, ctx: dict[str, Any]) -> str:
        text: str = self.rng.choice(LEADS[kind]).format(**ctx)
        if kind in ("work_update", "experience") and self.rng.random() < 0.7:
            extra = MEETING_CONTEXT if "会议" in text else self.rng.choice(LEAD_CONTEXT).format(**ctx)
            text += extra
        return text

    def _closing(self, src: Source) -> str:
        return f"下一步，{src.p}将{self.rng.choice(NEXT)}，{self.rng.choice(GOALS)}。"

    def topic_for(self, src: Source) -> Topic:
        pool = self.topics_by_field.get(src.domain) or self.topics_by_field["gov"]
        return self.rng.choice(pool)

    def compose(self, category: str, src: Source, at: dt.datetime) -> tuple[str, str, list[str]]:
        """(title, body, tags) for a non-emergency item written at ``at``."""
        rng = self.rng
        topic = self.topic_for(src)
        subject = rng.choice(src.subjects)
        ctx = self._ctx(src, at, T=topic.name)
        paras: list[str]
        if category == Category.POLICY:
            policies = self.policies_by_field.get(src.domain) or self.policies_by_field["gov"]
            policy, unit = rng.choice(policies)
            ctx["policy"] = policy
            title = rng.choice(
                [
                    f"{subject}落实{policy}政策惠及{ctx['l1']}{unit}",
                    f"{subject}推动{policy}政策落地见效",
                    f"{subject}{policy}资金发放到位",
                ]
            )
            paras = [
                self._lead("policy", ctx),
                f"{src.p}通过村（社区）公示栏、微信群等渠道开展政策宣传，安排专人入户核实，"
                f"确保对象精准、资金安全。"
                + "".join(x.format(**ctx) + "。" for x in rng.sample(ELABORATIONS, 2)),
                f"截至{_md(at)}，累计发放{policy}资金{ctx['w1']}万元，惠及{ctx['l1']}{unit}，"
                f"资金全部通过“一卡通”直接发放到群众手中。",
            ]
            if rng.random() < 0.5:
                paras.append(self._closing(src))
            return title, "\n".join(paras), ["政策落实", *topic.tags[:1]]
        if category == Category.EXPERIENCE:
            slogan = rng.choice(SLOGANS)
            ctx["slogan"] = slogan
            title = rng.choice(
                [
                    f"{subject}“{slogan}”助力{topic.name}",
                    f"{subject}探索“{slogan}”模式推进{topic.name}",
                    f"{subject}创新方式做实{topic.name}",
                ]
            )
            body = [self._lead("experience", ctx)]
            body += self._measures(topic, src, at, 3, slogan=slogan)
            body.append(rng.choice(topic.results).format(**ctx) + "。")
            return title, "\n".join(body), [*topic.tags, "经验做法"][:3]
        if category == Category.PROBLEM:
            issues = rng.sample(topic.issues, min(2, len(topic.issues)))
            title = rng.choice(
                [
                    f"{subject}{issues[0]}问题亟待解决",
                    f"关于{topic.name}中有关问题的建议",
                    f"{subject}反映{issues[0]}",
                ]
            )
            found = "".join(
                f"{NUMERALS[i]}是{issue}。调研涉及的{ctx['nvil']}个{ctx['pw']}中，有{n}个反映存在此类情况。"
                for i, issue in enumerate(issues)
                for n in (1 + int(rng.random() * ctx["nvil"]),)
            )
            found += f"分析原因，主要是{rng.choice(CAUSES)}。"
            advice = "".join(f"{NUMERALS[i]}是{s}。" for i, s in enumerate(rng.sample(SUGGESTIONS, 2)))
            paras = [self._lead("problem", ctx), found, "为此建议：" + advice]
            return title, "\n".join(paras), [*topic.tags[:2], "问题建议"]
        if category == Category.RESEARCH:
            title = rng.choice(
                [
                    f"关于{subject}{topic.name}情况的调研",
                    f"{subject}{topic.name}的调查与思考",
                    f"{topic.name}情况调研报告",
                ]
            )
            issues = rng.sample(topic.issues, min(2, len(topic.issues)))
            paras = [
                self._lead("research", ctx),
                "一、基本情况。"
                + "".join(self._measures(topic, src, at, 2))
                + rng.choice(topic.results).format(**ctx)
                + "。",
                "二、存在问题。"
                + "".join(f"{NUMERALS[i]}是{x}。" for i, x in enumerate(issues))
                + f"究其原因，主要是{rng.choice(CAUSES)}。",
                "三、对策建议。"
                + "".join(f"{NUMERALS[i]}是{s}。" for i, s in enumerate(rng.sample(SUGGESTIONS, 3))),
            ]
            return title, "\n".join(paras), [*topic.tags[:2], "调研"]
        if category == Category.PUBLIC_OPINION:
            issue = rng.choice(topic.issues)
            ctx["issue"] = issue
            title = rng.choice(
                [
                    f"{subject}群众反映{issue}",
                    f"群众关注{topic.name}相关问题",
                    f"{subject}群众期盼加强{topic.name}",
                ]
            )
            paras = [
                self._lead("public_opinion", ctx),
                f"据了解，{ctx['vil']}有{ctx['l1']}户群众受此影响，部分群众多次向村（社区）反映。"
                + rng.choice(VOICES)
                + f"群众希望有关部门{rng.choice(SUGGESTIONS)}。",
            ]
            if rng.random() < 0.6:
                paras.append(f"{src.p}已将有关情况登记转办，并安排专人跟踪回访。")
            return title, "\n".join(paras), [*topic.tags[:1], "社情民意"]
        # 工作动态
        title = rng.choice(
            [
                f"{subject}开展{topic.name}",
                f"{subject}扎实推进{topic.name}",
                f"{subject}部署{topic.name}工作",
                f"{subject}多措并举做好{topic.name}",
                f"{subject}{topic.name}取得阶段性成效",
                f"{subject}{topic.name}成效明显",
                f"{subject}召开{topic.name}推进会",
            ]
        )
        measures = self._measures(topic, src, at, 2 + int(rng.random() * 2))
        paras = [self._lead("work_update", ctx)]
        if rng.random() < 0.5:
            paras.append("".join(measures))
        else:
            paras += measures
        if len(paras) < 5 and (rng.random() < 0.7 or not any(c.isdigit() for c in "".join(paras[1:]))):
            results = rng.sample(topic.results, min(len(topic.results), 1 + (rng.random() < 0.4)))
            paras.append(f"截至{_md(at)}，" + "；".join(r.format(**ctx) for r in results) + "。")
        if len(paras) < 5 and rng.random() < 0.5:
            paras.append(self._closing(src))
        return title, "\n".join(paras[:5]), list(topic.tags)

    def emergency(
        self, src: Source, event_time: dt.datetime, stage: int, final: bool, event: int, place: str, key: int
    ) -> tuple[str, str, dict[str, str]]:
        """(title, body, elements) of an 突发事件 report: stage 0 初报, then 续报 and 终报. The event's
        figures come from ``key`` (the 初报's id), so each report of one event tells the same facts."""
        facts = random.Random(key)
        name, short, nature, consequences, response = EVENTS[event]
        ctx = {**self._ctx(src, event_time), **_figures(facts)}
        when = f"{_md(event_time)}{event_time.hour}时{event_time.minute:02d}分"
        subject = src.subjects[-1]
        consequence = consequences[facts.randrange(len(consequences))].format(**ctx)
        measures = response.format(**ctx)
        if stage == 0:
            title = f"{subject}{place}发生{name}"
            paras = [
                f"{when}，{src.p}{place}发生{name}，{consequence}。",
                f"事件发生后，{src.p}立即启动应急预案，{src.leader}第一时间赶赴现场指挥处置。{measures}。",
                "目前现场秩序稳定，事件原因正在进一步调查中，后续情况将及时续报。",
            ]
        elif final:
            title = f"{subject}{place}{short}处置工作结束"
            paras = [
                f"{when}{src.p}{place}发生的{short}已处置完毕。经核查，{consequence}。",
                f"{src.p}已组织开展善后工作，并举一反三开展隐患排查，排查整改问题{ctx['m1']}个。",
            ]
        else:
            title = f"{subject}{place}{short}处置进展"
            paras = [
                f"关于{when}{src.p}{place}发生{name}一事，现将最新情况续报如下。",
                f"经进一步核实，{consequence}。{measures}。",
                "目前各项处置工作正在有序进行，有关情况将及时续报。",
            ]
        elements = {
            "time": when,
            "place": f"{src.p}{place}",
            "nature": nature,
            "scope": f"{place}及周边",
            "casualties": consequence,
            "measures": measures,
            "next_steps": "持续做好现场处置和善后工作，及时续报进展",
        }
        return title, "\n".join(paras), elements

    def edit(self, title: str, body: str, county: str) -> tuple[str, str]:
        """An editor's working copy: a tighter title, the outlook paragraph dropped, a county named."""
        new = title
        for filler in ("扎实", "多措并举", "全面"):
            new = new.replace(filler, "")
        if new == title and county and not title.startswith(county) and not title.startswith("关于"):
            new = county + title
        paras = body.split("\n")
        if len(paras) >= 3 and paras[-1].startswith("下一步"):
            paras = paras[:-1]
        return new[:200], "\n".join(paras)


# ------------------------------------------------------------------------------------------ simulation

# fmt: off
CATEGORY_WEIGHTS = [
    (Category.WORK_UPDATE, 50), (Category.EXPERIENCE, 12), (Category.POLICY, 9), (Category.PROBLEM, 7),
    (Category.RESEARCH, 7), (Category.PUBLIC_OPINION, 8), (Category.EMERGENCY, 2.5),
]
# When items are written, by local hour: office hours, a lunch break, a little in the evening.
HOUR_WEIGHTS = [0.02] * 7 + [0.2, 0.9, 1.3, 1.4, 1.0, 0.3, 0.3, 1.0, 1.3, 1.3, 0.9, 0.4, 0.2, 0.15, 0.1,
                             0.05, 0.02]
WEEKDAY_WEIGHTS = [1.0, 1.05, 1.0, 1.0, 0.95, 0.22, 0.12]
# What a target unit decides, once it has: (status, also sent up, weight). Adopted-and-sent-up keeps the
# adoption (县采用并转报); plain forwarding leaves status forwarded.
OUTCOMES = {
    Level.COUNTY: [("adopted", False, 50), ("declined", False, 30), ("forwarded", True, 10),
                   ("adopted", True, 6), ("returned", False, 4)],
    Level.CITY: [("adopted", False, 50), ("declined", False, 33), ("forwarded", True, 11),
                 ("adopted", True, 6)],
    Level.PROVINCE: [("adopted", False, 55), ("declined", False, 45)],
}
USAGES = [(Usage.ISSUE, 70), (Usage.WEBSITE, 18), (Usage.SPECIAL_REPORT, 7), (Usage.MERGED, 5)]
# fmt: on


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    total = sum(w for _, w in weighted)
    x = rng.random() * total
    for value, w in weighted:
        x -= w
        if x < 0:
            return value
    return weighted[-1][0]


def _delay(rng: random.Random, median_hours: float, sigma: float = 1.0) -> dt.timedelta:
    return dt.timedelta(hours=median_hours * rng.lognormvariate(0, sigma))


@dataclass
class ItemsResult:
    items: int
    submissions: int
    revisions: int
    review_actions: int
    sources: int
    reviewers: int


@dataclass
class _Batch:
    reports: list[Report] = field(default_factory=list)
    targets: list[Any] = field(default_factory=list)
    actions: list[ReviewAction] = field(default_factory=list)
    submissions: list[Submission] = field(default_factory=list)
    revisions: list[Revision] = field(default_factory=list)


class _Ids:
    def __init__(self, *models: Any) -> None:
        self.next = {m: (m.objects.aggregate(m=Max("id"))["m"] or 0) + 1 for m in models}

    def __call__(self, model: Any) -> int:
        pk: int = self.next[model]
        self.next[model] = pk + 1
        return pk


def _due_rule(
    rules: dict[tuple[str, str], DeadlineRule],
) -> Callable[[str, str, dt.datetime, dt.datetime | None], dt.datetime]:
    """``timeliness.due_at_for`` without a query per item: the same most-specific-rule-wins lookup."""

    def due(category: str, urgency: str, created: dt.datetime, event: dt.datetime | None) -> dt.datetime:
        rule = (
            rules.get((category, urgency))
            or rules.get((category, ""))
            or rules.get(("", urgency))
            or rules.get(("", ""))
        )
        start = event or created
        if rule is None:
            return start + dt.timedelta(days=5)
        if rule.kind == DeadlineRule.Kind.HOURS_FROM_EVENT:
            return start + dt.timedelta(hours=rule.amount)
        if rule.kind == DeadlineRule.Kind.SAME_DAY:
            local = timezone.localtime(start)
            return local.replace(hour=23, minute=59, second=59, microsecond=0)
        return created + dt.timedelta(days=rule.amount)

    return due


def _place(name: str) -> str:
    for suffix in ("人民政府办公室", "人民政府办公厅", "人民政府"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _towns(names: list[str]) -> list[str]:
    return [n for n in names if n[-1] in "镇乡" or n.endswith("街道")][:40]


def _sources(
    root: Unit, rng: random.Random
) -> tuple[list[Source], dict[int, dict[str, Any]], dict[int, list[int]]]:
    """Township and county-level units with reporters; the units above them; editors per unit."""
    units: dict[int, dict[str, Any]] = {
        u["id"]: dict(u)
        for u in Unit.objects.filter(path__startswith=root.path, is_active=True).values(
            "id", "name", "level", "kind", "parent_id"
        )
    }
    reporters: dict[int, list[int]] = defaultdict(list)
    editors: dict[int, list[int]] = defaultdict(list)
    for unit_id, user_id, role in (
        Membership.objects.filter(
            unit_id__in=list(units), role__in=[Role.REPORTER, Role.EDITOR], user__is_active=True
        )
        .order_by("unit_id", "user_id")
        .values_list("unit_id", "user_id", "role")
    ):
        (reporters if role == Role.REPORTER else editors)[unit_id].append(user_id)
    children: dict[int, list[str]] = defaultdict(list)
    for u in units.values():
        if u["parent_id"] in units:
            children[u["parent_id"]].append(u["name"])
    sources: list[Source] = []
    for u in units.values():
        parent = units.get(u["parent_id"])
        if parent is None or not reporters.get(u["id"]):
            continue
        if u["level"] == Level.TOWNSHIP:
            county = _place(parent["name"])
            kind = "街道" if u["name"].endswith("街道") else u["name"][-1]
            villages = children[u["id"]][:40] or [
                rng.choice(PLACE_A) + rng.choice(PLACE_B) + "村" for _ in range(6)
            ]
            sources.append(
                Source(
                    unit_id=u["id"],
                    target_id=parent["id"],
                    county_id=parent["id"],
                    subjects=[u["name"], county + u["name"]],
                    p=u["name"],
                    scope="全" + (kind if kind in ("镇", "乡", "街道") else "镇"),
                    leader={"乡": "乡党委书记", "街道": "街道党工委书记"}.get(kind, "镇党委书记"),
                    domain="gov",
                    places=villages,
                    reporters=reporters[u["id"]],
                )
            )
        elif u["level"] != Level.COUNTY or parent["level"] not in (Level.CITY, Level.COUNTY):
            continue
        elif u["kind"] == UnitKind.GOVERNMENT and parent["level"] == Level.CITY:
            county = _place(u["name"])
            sources.append(
                Source(
                    unit_id=u["id"],
                    target_id=parent["id"],
                    county_id=u["id"],
                    subjects=[county],
                    p=county,
                    scope="全县",
                    leader="县委、县政府主要负责同志",
                    domain="gov",
                    places=_towns(children[u["id"]]) or [county + "城关镇"],
                    reporters=reporters[u["id"]],
                )
            )
        elif u["kind"] == UnitKind.DEPARTMENT and parent["level"] == Level.COUNTY:
            county = _place(parent["name"])
            dept = u["name"][len(county) :] if u["name"].startswith(county) else u["name"]
            sources.append(
                Source(
                    unit_id=u["id"],
                    target_id=parent["id"],
                    county_id=parent["id"],
                    subjects=[u["name"]],
                    p="县" + dept,
                    scope="全县",
                    leader="局主要负责同志",
                    domain=next((key for word, key in DEPT_FIELDS if word in dept), "gov"),
                    places=_towns(children[parent["id"]]) or [county + "城关镇"],
                    reporters=reporters[u["id"]],
                )
            )
    return sources, units, editors


def _review_config(sources: list[Source], rng: random.Random, now: dt.datetime) -> int:
    """Most townships and the county office review before sending; departments half the time. The
    reviewer is one of the unit's reporters given the reviewer role, as offices do."""
    existing = defaultdict(list)
    for step in ReviewStep.objects.filter(
        unit_id__in=[s.unit_id for s in sources], chain=ReviewStep.Chain.REPORT
    ).order_by("order", "id"):
        existing[step.unit_id].append(step)
    steps, members = [], []
    for src in sources:
        if existing.get(src.unit_id):
            src.chain = [
                {"role": st.role, "user_id": st.user_id, "label": st.label or "审核"}
                for st in existing[src.unit_id]
            ]
            continue
        share = 0.5 if src.domain != "gov" else 0.75
        if len(src.reporters) < 2 or rng.random() > share:
            continue
        label = {"全县": "科室负责人审核"}.get(
            src.p, "分管领导审核" if src.domain == "gov" else "单位负责人审核"
        )
        src.reviewer = src.reporters[-1]
        src.chain = [{"role": Role.REVIEWER, "user_id": None, "label": label}]
        steps.append(ReviewStep(unit_id=src.unit_id, order=1, label=label, role=Role.REVIEWER))
        members.append(
            Membership(user_id=src.reviewer, unit_id=src.unit_id, role=Role.REVIEWER, created_at=now)
        )
    ReviewStep.objects.bulk_create(steps, batch_size=2000)
    Membership.objects.bulk_create(members, batch_size=2000, ignore_conflicts=True)
    return len(members)


class _Generator:
    def __init__(
        self,
        *,
        rng: random.Random,
        now: dt.datetime,
        units: dict[int, dict[str, Any]],
        editors: dict[int, list[int]],
        batch: _Batch,
        limit: int,
    ) -> None:
        self.rng = rng
        self.limit = limit
        self.now = now
        self.units = units
        self.editors = editors
        self.batch = batch
        self.writer = Writer(rng)
        self.due = _due_rule({(r.category, r.urgency): r for r in DeadlineRule.objects.all()})
        self.ids = _Ids(Report, Submission, Revision, ReviewAction, Report.targets.through)
        self.through = Report.targets.through
        self.counts = {"items": 0, "submissions": 0, "revisions": 0, "review_actions": 0}

    # -- rows ---------------------------------------------------------------------------------------

    def _action(
        self,
        report: Report,
        action: str,
        actor: int,
        at: dt.datetime,
        step: int = 0,
        label: str = "",
        comment: str = "",
    ) -> None:
        self.batch.actions.append(
            ReviewAction(
                id=self.ids(ReviewAction),
                report_id=report.pk,
                step=step,
                step_label=label,
                action=action,
                actor_id=actor,
                comment=comment,
                created_at=at,
            )
        )
        self.counts["review_actions"] += 1

    def _revision(
        self,
        report: Report,
        sub: Submission | None,
        title: str,
        body: str,
        by: int,
        unit: int,
        at: dt.datetime,
    ) -> None:
        self.batch.revisions.append(
            Revision(
                id=self.ids(Revision),
                report_id=report.pk,
                submission_id=sub.pk if sub else None,
                title=title,
                body=body,
                by_id=by,
                unit_id=unit,
                created_at=at,
            )
        )
        self.counts["revisions"] += 1

    def _submission(
        self,
        report: Report,
        target: int,
        sender: int,
        received: dt.datetime,
        title: str,
        body: str,
        forwarded_from: Submission | None = None,
    ) -> Submission:
        sub = Submission(
            id=self.ids(Submission),
            report_id=report.pk,
            target_unit_id=target,
            sender_unit_id=sender,
            forwarded_from_id=forwarded_from.pk if forwarded_from else None,
            status=SubmissionStatus.RECEIVED,
            is_active=True,
            title=title,
            body=body,
            urgency_rank=URGENCY_RANK[report.urgency],
            category=report.category,
            received_at=received,
            due_at=report.due_at,
        )
        self.batch.submissions.append(sub)
        self.counts["submissions"] += 1
        return sub

    # -- an item ------------------------------------------------------------------------------------

    def item(
        self,
        src: Source,
        created: dt.datetime,
        *,
        follow: tuple[Report, int, bool, int, str] | None = None,
    ) -> Report:
        """One item from writing to wherever it has got by ``now``; returns the Report (unsaved)."""
        rng, now = self.rng, self.now
        pk = self.ids(Report)
        event_time: dt.datetime | None = None
        elements: dict[str, str] = {}
        place = ""
        if follow is not None:
            root, stage, final, event, place = follow
            category, urgency = root.category, root.urgency
            event_time = created - dt.timedelta(minutes=10 + int(rng.random() * 40))
            assert root.event_time is not None
            title, body, elements = self.writer.emergency(
                src, root.event_time, stage, final, event, place, root.pk
            )
            tags = ["突发事件", "续报"]
        else:
            summer = created.month in (6, 7, 8)
            category = _pick(
                rng,
                [(c, w * (1.6 if summer and c == Category.EMERGENCY else 1)) for c, w in CATEGORY_WEIGHTS],
            )
            if category == Category.POLICY and not self.writer.policies_by_field.get(src.domain):
                category = Category.WORK_UPDATE
            if category == Category.EMERGENCY:
                event = rng.randrange(len(EVENTS))
                place = rng.choice(src.places)
                event_time = created - _delay(rng, 0.6, 0.5)
                title, body, elements = self.writer.emergency(src, event_time, 0, False, event, place, pk)
                tags = ["突发事件"]
                urgency = _pick(rng, [(Urgency.VERY_URGENT, 35), (Urgency.URGENT, 55), (Urgency.NORMAL, 10)])
                follow = None
            else:
                title, body, tags = self.writer.compose(category, src, created)
                urgency = _pick(rng, [(Urgency.NORMAL, 970), (Urgency.URGENT, 25), (Urgency.VERY_URGENT, 5)])
        urgent = urgency != Urgency.NORMAL
        author = rng.choice(src.reporters)
        report = Report(
            id=pk,
            title=title,
            body=body,
            category=category,
            urgency=urgency,
            event_time=event_time,
            place=place if category == Category.EMERGENCY else "",
            public_scope=PublicScope.PUBLIC
            if category == Category.WORK_UPDATE and rng.random() < 0.3
            else PublicScope.INTERNAL,
            source_unit_id=src.unit_id,
            author_id=author,
            tags=tags,
            elements=elements,
            sensitive=rng.random() < 0.01,
            status=ReportStatus.DRAFT,
            created_at=created,
            updated_at=created,
        )
        if follow is not None:
            report.follow_up_of_id = follow[0].pk
            report.follow_up_no = follow[1]
            report.is_final = follow[2]
        self.batch.reports.append(report)
        self.batch.targets.append(
            self.through(id=self.ids(self.through), report_id=report.pk, unit_id=src.target_id)
        )
        self.counts["items"] += 1

        intent = (
            "send"
            if follow is not None or category == Category.EMERGENCY
            else _pick(rng, [("draft", 7), ("withdraw", 3), ("send", 90)])
        )
        submitted = created + _delay(rng, 0.15 if urgent else 0.6, 0.8)
        if intent == "draft" or submitted > now:
            report.updated_at = min(submitted, now)
            return report
        report.submitted_at = report.updated_at = submitted
        report.due_at = self.due(category, urgency, created, event_time)
        report.review_chain = list(src.chain)
        self._action(report, ReviewAction.Action.SUBMIT, author, submitted)
        sent = self._review(report, src, author, submitted, intent, urgent)
        if sent is None:
            return report
        by = src.reviewer if src.chain and src.reviewer else author
        report.status, report.sent_at, report.updated_at = ReportStatus.SENT, sent, sent
        report.review_step = len(src.chain)
        report.late = sent > report.due_at
        self._revision(report, None, report.title, report.body, author, src.unit_id, sent)
        self._action(report, ReviewAction.Action.SEND, by, sent)
        sub = self._submission(report, src.target_id, src.unit_id, sent, report.title, report.body)
        if intent == "withdraw":
            withdrawn = sent + _delay(rng, 0.3, 0.8)
            if withdrawn < now:
                # Withdrawing is refused once the target has claimed the item; here it got there first.
                sub.is_active = False
                report.status, report.updated_at = ReportStatus.WITHDRAWN, withdrawn
                self._action(report, ReviewAction.Action.WITHDRAW, author, withdrawn)
                return report
        self._handle(sub, report, src)
        if category == Category.EMERGENCY and follow is None and rng.random() < 0.35:
            self._follow_ups(report, src, sent, event, place)
        return report

    def _review(
        self, report: Report, src: Source, author: int, submitted: dt.datetime, intent: str, urgent: bool
    ) -> dt.datetime | None:
        """The in-unit review: the time the item went out, or None if it is still in the unit."""
        rng, now = self.rng, self.now
        if not src.chain:
            return submitted
        reviewer = src.reviewer or author
        label = src.chain[0]["label"]
        t = submitted
        decided = t + _delay(rng, 0.2 if urgent else 2.0)
        if not urgent and rng.random() < 0.1 and decided < now:
            self._action(
                report,
                ReviewAction.Action.RETURN,
                reviewer,
                decided,
                0,
                label,
                rng.choice(REVIEW_RETURN_COMMENTS),
            )
            again = decided + _delay(rng, 3.0)
            if rng.random() < 0.45 or again > now:
                report.status, report.updated_at = ReportStatus.RETURNED, decided
                return None
            t = again
            report.submitted_at = report.updated_at = t
            self._action(report, ReviewAction.Action.SUBMIT, author, t)
            decided = t + _delay(rng, 2.0)
        if intent == "withdraw" and rng.random() < 0.5:
            withdrawn = t + (min(decided, now) - t) * rng.random()
            self._action(report, ReviewAction.Action.WITHDRAW, author, withdrawn)
            report.status, report.updated_at = ReportStatus.WITHDRAWN, withdrawn
            return None
        if decided > now or rng.random() < 0.02:
            report.status = ReportStatus.IN_REVIEW
            return None
        for step, entry in enumerate(src.chain):
            self._action(report, ReviewAction.Action.APPROVE, reviewer, decided, step, entry["label"])
        return decided

    def _handle(self, sub: Submission, report: Report, src: Source) -> None:
        """What the target unit has done with ``sub`` by ``now``, and the copies it sent up."""
        rng, now = self.rng, self.now
        target = self.units[sub.target_unit_id]
        editors = self.editors.get(target["id"])
        fast = sub.urgency_rank < 2
        claimed = sub.received_at + _delay(rng, 0.15 if fast else 1.5)
        if not editors or claimed > now or rng.random() < 0.02:
            return
        editor = rng.choice(editors)
        sub.status, sub.claimed_by_id, sub.claimed_at = SubmissionStatus.CLAIMED, editor, claimed
        decided = claimed + _delay(rng, 0.5 if fast else 5.0)
        if decided > now or rng.random() < 0.015:
            return
        outcome, forward = _pick(
            rng, [((s, f), w) for s, f, w in OUTCOMES.get(target["level"], OUTCOMES[Level.PROVINCE])]
        )
        parent = self.units.get(target["parent_id"])
        if forward and (
            parent is None or parent["kind"] != UnitKind.GOVERNMENT or not self.editors.get(parent["id"])
        ):
            outcome, forward = (SubmissionStatus.ADOPTED, False)
        if outcome in (SubmissionStatus.ADOPTED, SubmissionStatus.FORWARDED) and rng.random() < 0.55:
            county = _place(target["name"]) if target["level"] == Level.COUNTY else ""
            title, body = self.writer.edit(sub.title, sub.body, county)
            if (title, body) != (sub.title, sub.body):
                sub.title, sub.body = title, body
                self._revision(
                    report, sub, title, body, editor, target["id"], claimed + (decided - claimed) / 2
                )
        sub.status, sub.decided_by_id, sub.decided_at = outcome, editor, decided
        if outcome == SubmissionStatus.ADOPTED:
            sub.usage = _pick(rng, USAGES)
        elif outcome == SubmissionStatus.DECLINED:
            sub.comment = rng.choice(DECLINE_COMMENTS)
        elif outcome == SubmissionStatus.RETURNED:
            sub.comment = rng.choice(RETURN_COMMENTS)
            self._resubmit(sub, report, src)
            return
        if not forward:
            return
        assert parent is not None
        sent_up = decided if outcome == SubmissionStatus.FORWARDED else decided + _delay(rng, 0.5)
        if sent_up > now:
            return
        sub.forwarded_at = sent_up
        up = self._submission(
            report, parent["id"], target["id"], sent_up, sub.title, sub.body, forwarded_from=sub
        )
        self._handle(up, report, src)

    def _resubmit(self, sub: Submission, report: Report, src: Source) -> None:
        """Half the returned items come back revised to the same editor (修改后重报), who then decides."""
        rng, now = self.rng, self.now
        assert sub.decided_at is not None and sub.claimed_by_id is not None
        again = sub.decided_at + _delay(rng, 4.0)
        if again > now or rng.random() < 0.5:
            return
        spent, reach = _figures(rng)["w1"], len(src.places)
        body = f"{sub.body}截至{_md(again)}，相关工作累计投入资金{spent}万元，覆盖{reach}个{src.place_word}。"
        sub.body = body
        report.body, report.updated_at = body, again
        self._revision(report, sub, sub.title, body, report.author_id, src.unit_id, again)
        sub.status, sub.decided_by_id, sub.decided_at, sub.comment = SubmissionStatus.CLAIMED, None, None, ""
        sub.received_at = again
        decided = again + _delay(rng, 3.0)
        if decided > now:
            return
        sub.status = _pick(rng, [(SubmissionStatus.ADOPTED, 70), (SubmissionStatus.DECLINED, 30)])
        sub.decided_by_id, sub.decided_at = sub.claimed_by_id, decided
        if sub.status == SubmissionStatus.ADOPTED:
            sub.usage = _pick(rng, USAGES)

    def _follow_ups(self, root: Report, src: Source, sent: dt.datetime, event: int, place: str) -> None:
        rng = self.rng
        n = 1 + int(rng.random() < 0.4)
        at = sent
        for stage in range(1, n + 1):
            at += _delay(rng, 4.0, 0.5)
            if at > self.now or self.counts["items"] >= self.limit:
                return
            self.item(src, at, follow=(root, stage, stage == n and rng.random() < 0.6, event, place))


def _insert(model: type[Model], objs: Sequence[Model]) -> None:
    """Rows straight to the table (COPY on PostgreSQL): ``bulk_create`` spends several times longer
    compiling each value into SQL than the database spends writing it. Only datetimes and JSON need the
    field's own conversion; ids are explicit."""
    if not objs:
        return
    db = connections[DEFAULT_DB_ALIAS]
    fields = model._meta.concrete_fields
    prep: list[tuple[str, Callable[[Any], Any] | None]] = []
    for f in fields:
        if isinstance(f, DateTimeField):  # every generated datetime is aware: straight to the adapter
            prep.append((f.attname, db.ops.adapt_datetimefield_value))
        elif isinstance(f, JSONField):
            prep.append((f.attname, partial(f.get_db_prep_save, connection=db)))
        else:
            prep.append((f.attname, None))
    rows = [
        tuple(v if fn is None or v is None else fn(v) for name, fn in prep for v in (getattr(o, name),))
        for o in objs
    ]
    table = db.ops.quote_name(model._meta.db_table)
    columns = ", ".join(db.ops.quote_name(f.column) for f in fields)
    with db.cursor() as cur:
        if db.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cur.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def _flush(batch: _Batch) -> None:
    with transaction.atomic():
        _insert(Report, batch.reports)
        _insert(Report.targets.through, batch.targets)
        _insert(ReviewAction, batch.actions)
        for sub in batch.submissions:
            sub.set_inbox_order()  # written straight to the table: save() does not run
        _insert(Submission, batch.submissions)
        _insert(Revision, batch.revisions)
    for rows in (batch.reports, batch.targets, batch.actions, batch.submissions, batch.revisions):
        rows.clear()


def seed_items(
    *,
    root: Unit,
    items: int,
    days: int = 365,
    seed: int = 7,
    now: dt.datetime | None = None,
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> ItemsResult:
    """``items`` information items written over the last ``days`` days by the township and county units
    under ``root`` (as ``baosong.orgs.scale.seed_scale`` builds them), with their review trails,
    submissions, decisions and forwarding. Busy counties and quiet ones, weekdays and weekends."""
    rng = random.Random(seed)
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    with transaction.atomic():
        sources, units, editors = _sources(root, rng)
        if not sources:
            raise ValueError("这棵单位树中没有带信息员的乡镇或县级单位，无法生成信息。")
        reviewers = _review_config(sources, rng, now)

    # A county's weight is shared by its office, its departments and its townships.
    county_weight: dict[int, float] = {}
    weights = []
    for src in sources:
        weight = county_weight.setdefault(src.county_id, rng.lognormvariate(0, 0.6))
        if src.county_id == src.unit_id:
            weight *= 1.2
        elif src.domain == "gov":
            weight *= rng.lognormvariate(0, 0.5)
        else:
            weight *= 0.35 * rng.lognormvariate(0, 0.4)
        weights.append(weight)
    cumulative, total = [], 0.0
    for w in weights:
        total += w
        cumulative.append(total)

    local_now = timezone.localtime(now, tz)
    first = (local_now - dt.timedelta(days=days - 1)).date()
    dates = [first + dt.timedelta(days=i) for i in range(days)]
    day_w = [WEEKDAY_WEIGHTS[d.weekday()] for d in dates]
    share = [items * w / sum(day_w) for w in day_w]
    counts = [int(s) for s in share]
    for i in sorted(range(days), key=lambda i: counts[i] - share[i])[: items - sum(counts)]:
        counts[i] += 1
    hours_cum, acc = [], 0.0
    for w in HOUR_WEIGHTS:
        acc += w
        hours_cum.append(acc)

    batch = _Batch()
    gen = _Generator(rng=rng, now=now, units=units, editors=editors, batch=batch, limit=items)
    for date, count in zip(dates, counts, strict=True):
        midnight = dt.datetime.combine(date, dt.time.min, tzinfo=tz)
        times = []
        for _ in range(count):
            hour = bisect.bisect(hours_cum, rng.random() * acc)
            t = midnight + dt.timedelta(hours=hour, seconds=int(rng.random() * 3600))
            if t >= now:
                t = now - dt.timedelta(
                    seconds=int(rng.random() * min(6 * 3600, (now - midnight).total_seconds())) + 1
                )
            times.append(t)
        for t in sorted(times):
            if gen.counts["items"] >= items:
                break
            src = sources[min(bisect.bisect(cumulative, rng.random() * total), len(sources) - 1)]
            gen.item(src, t)
        if len(batch.reports) >= batch_size:
            _flush(batch)
            if progress:
                progress(gen.counts["items"])
    _flush(batch)
    with connection.cursor() as cur:
        models: list[type[Model]] = [
            Report,
            Report.targets.through,
            ReviewAction,
            Submission,
            Revision,
            ReviewStep,
            Membership,
        ]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cur.execute(sql)
    if progress:
        progress(gen.counts["items"])
    return ItemsResult(
        items=gen.counts["items"],
        submissions=gen.counts["submissions"],
        revisions=gen.counts["revisions"],
        review_actions=gen.counts["review_actions"],
        sources=len(sources),
        reviewers=reviewers,
    )
