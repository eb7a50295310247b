# ruff: noqa: E501 (sentence templates read better unbroken)
"""A labelled set for same-event grouping: events, each rewritten by several units, plus hard negatives.

Pure Python, no database, deterministic for a seed. Each event is a set of facts (place, time, numbers,
cause); each unit that reports it writes its own text from those facts: its own title, an opening in its
own voice (我镇…, 我局…, 据…报告), phrasings picked from synonyms, sentences reordered or left out, numbers
written as digits or in Chinese, the place field full, partial or empty. Hard negatives come from the
shape of the set: events are drawn in clusters of the same kind in the same county, a few days apart,
in nearby villages of the same or the next township, and the 防汛 work updates of different townships
on the same days read alike. ``LabelledItem.event`` is the truth the measurement compares against.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

COUNTY = "东湖区"
TOWNS = ["城关镇", "新桥镇", "杨柳乡", "河口街道", "石门镇", "龙泉乡", "白沙镇", "青林乡"]
VILLAGE_A = ["李家", "王庄", "张湾", "刘坪", "陈岭", "赵河", "周畈", "吴塘", "孙桥", "马坊", "黄岗", "杨林"]
VILLAGE_B = ["村", "村", "村", "社区"]
HILLS = ["青龙山", "白云山", "凤凰岭", "鸡公山", "大洪山", "九峰山"]
ROADS = ["G316国道", "S227省道", "X031县道", "X045县道"]
SCHOOLS = ["中心小学", "第二中学", "实验幼儿园", "中心学校"]
CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Small numbers the way a clerk writes them in Chinese (三、十二、三十五、一百二十)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        tail = "" if rest == 0 else ("零" + CN_DIGITS[rest] if rest < 10 else cn_number(rest))
        return CN_DIGITS[hundreds] + "百" + tail
    return str(n)


@dataclass(frozen=True)
class LabelledItem:
    key: int
    event: int
    kind: str
    category: str
    unit: str
    title: str
    body: str
    place: str
    event_time: dt.datetime | None
    sent_at: dt.datetime


@dataclass
class _Event:
    id: int
    kind: str
    town: str
    village: str
    when: dt.datetime
    facts: dict[str, object]


class _Writer:
    """One unit's voice: how it writes numbers, dates and the place."""

    def __init__(self, rng: random.Random, event: _Event, unit: str, own_town: bool) -> None:
        self.rng, self.e, self.unit, self.own_town = rng, event, unit, own_town
        self.chinese_numbers = rng.random() < 0.35

    def n(self, value: object, *, about: bool = False) -> str:
        v = int(value)  # type: ignore[call-overload]
        text = cn_number(v) if self.chinese_numbers and v < 1000 else str(v)
        if about and self.rng.random() < 0.5:
            return self.rng.choice(["约", "近", ""]) + text if v >= 10 else text
        return text

    def date(self) -> str:
        w = self.e.when
        part = "凌晨" if w.hour < 6 else "上午" if w.hour < 12 else "下午" if w.hour < 18 else "晚"
        return self.rng.choice(
            [
                f"{w.month}月{w.day}日{part}",
                f"{w.day}日{part}",
                f"{w.month}月{w.day}日{w.hour}时{w.minute}分许",
                f"{w.month}月{w.day}日{w.hour}时许",
            ]
        )

    def town(self) -> str:
        if self.own_town and self.rng.random() < 0.7:
            return "我" + self.e.town[-1] if not self.e.town.endswith("街道") else "我街道"
        return self.rng.choice([self.e.town, COUNTY + self.e.town])

    def place(self) -> str:
        return self.town() + self.e.village

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)


def _fire(w: _Writer) -> tuple[list[str], list[str]]:
    f = w.e.facts
    titles = [
        f"{w.e.town}{w.e.village}发生一起民房火灾",
        f"{w.e.village}一民房起火 {w.pick('无人员伤亡', '火势已扑灭')}",
        f"关于{w.e.town}{w.e.village}民房火灾情况的报告",
        f"{w.e.town}妥善处置一起民房火灾",
    ]
    casualty = "无人员伤亡" if not f["injured"] else f"{w.n(f['injured'])}人轻伤"
    sentences = [
        w.pick(
            f"{w.date()}，{w.place()}{f['family']}姓村民家中发生火灾。",
            f"{w.date()}，位于{w.place()}的一处民房起火。",
            f"{w.date()}，{w.place()}村民{f['family']}某家{w.pick('突发火情', '发生火灾')}。",
        ),
        w.pick(
            f"接警后，消防救援大队出动消防车{w.n(f['trucks'])}辆、指战员{w.n(f['firemen'])}名赶赴现场处置。",
            f"消防救援人员{w.n(f['firemen'])}名、消防车{w.n(f['trucks'])}辆迅速到场扑救。",
            f"{w.pick('镇村干部', '当地干部群众')}和消防救援人员第一时间赶到现场{w.pick('灭火', '扑救')}。",
        ),
        w.pick(
            f"火势于{w.n(f['minutes'])}分钟后被扑灭，{casualty}。",
            f"经全力扑救，明火{w.pick('被扑灭', '已扑灭')}，{casualty}。",
            f"事故{casualty}，过火面积{w.n(f['area'])}平方米。",
        ),
        w.pick(
            f"初步查明起火原因系{f['cause']}。",
            f"据初步调查，火灾{w.pick('系', '由')}{f['cause']}{w.pick('引起', '所致')}。",
        ),
        w.pick(
            f"直接经济损失{w.n(f['loss'], about=True)}万元。",
            f"烧毁房屋{w.n(f['rooms'])}间及部分生活用品，损失{w.n(f['loss'], about=True)}万元。",
        ),
        w.pick(
            "目前，受灾群众已得到妥善安置，事故原因正在进一步调查中。",
            f"下一步，{w.town() if w.own_town else '当地'}将开展消防安全隐患排查，严防类似事故发生。",
            "受灾户已安排临时住所，相关善后工作正在进行。",
        ),
    ]
    return titles, sentences


def _forest(w: _Writer) -> tuple[list[str], list[str]]:
    f = w.e.facts
    titles = [
        f"{w.e.town}{f['hill']}发生森林火情",
        f"{w.e.town}迅速扑灭{f['hill']}山火",
        f"关于{f['hill']}森林火情处置情况的报告",
    ]
    sentences = [
        w.pick(
            f"{w.date()}，{w.town()}{f['hill']}{w.pick('发生一起森林火情', '突发山火')}。",
            f"{w.date()}，{w.town()}境内{f['hill']}{w.pick('出现明火', '发生森林火情')}。",
        ),
        w.pick(
            f"火情发生后，{w.pick('当地', '我区', '区镇两级')}迅速组织扑火队员{w.n(f['people'], about=True)}人上山扑救。",
            f"{w.n(f['people'], about=True)}名{w.pick('专业扑火队员', '扑火人员')}和干部群众连夜{w.pick('扑救', '灭火')}。",
        ),
        w.pick(
            f"明火于{f['hours']}小时后被扑灭，过火面积{w.n(f['area'], about=True)}亩。",
            f"经奋力扑救，火情得到控制，过火面积{w.n(f['area'], about=True)}亩，未造成人员伤亡。",
        ),
        w.pick(
            f"初步查明火情系{f['cause']}引起。",
            f"起火原因{w.pick('初步认定为', '疑为')}{f['cause']}。",
        ),
        w.pick(
            "目前已安排人员留守看护，严防死灰复燃。",
            "现场已清理余火，安排专人值守。",
        ),
    ]
    return titles, sentences


def _traffic(w: _Writer) -> tuple[list[str], list[str]]:
    f = w.e.facts
    road = str(f["road"])
    titles = [
        f"{road}{w.e.town}路段发生一起交通事故",
        f"{w.e.town}境内发生一起{f['vehicles']}相撞事故",
        f"关于{road}{f['km']}公里处交通事故的报告",
    ]
    hurt = f"{w.n(f['injured'])}人受伤" + (f"、{w.n(f['dead'])}人死亡" if f["dead"] else "")
    sentences = [
        w.pick(
            f"{w.date()}，{road}{w.town()}段{f['km']}公里处发生一起{f['vehicles']}相撞的交通事故。",
            f"{w.date()}，一辆{str(f['vehicles']).split('与')[0]}在{road}{f['km']}公里处与{str(f['vehicles']).split('与')[1]}相撞。",
        ),
        w.pick(f"事故造成{hurt}。", f"共{hurt}，伤者已送医救治。"),
        w.pick(
            "交警、急救人员迅速到场处置，伤者送县人民医院救治。",
            f"{w.pick('公安交警', '交警大队')}第一时间到场，{w.pick('疏导交通', '实施交通管制')}。",
        ),
        w.pick(
            f"道路拥堵约{w.n(f['minutes'])}分钟后恢复通行。",
            "目前道路已恢复通行，事故原因正在调查。",
        ),
    ]
    return titles, sentences


def _rain(w: _Writer) -> tuple[list[str], list[str]]:
    f = w.e.facts
    titles = [
        f"{w.e.town}{w.e.village}发生山体滑坡",
        f"强降雨致{w.e.town}{w.e.village}山体滑坡 {w.n(f['moved'])}人转移",
        f"关于{w.e.village}山体滑坡灾情的报告",
    ]
    sentences = [
        w.pick(
            f"受持续强降雨影响，{w.date()}，{w.place()}{w.pick('发生一处山体滑坡', '突发山体滑坡')}。",
            f"{w.date()}，{w.place()}后山因强降雨发生滑坡。",
        ),
        w.pick(
            f"过程降雨量达{w.n(f['rain'])}毫米。",
            f"当地{w.pick('累计', '过程')}降雨{w.n(f['rain'])}毫米，土体饱和。",
        ),
        w.pick(
            f"滑坡体约{w.n(f['volume'], about=True)}立方米，{w.n(f['houses'])}户房屋受损，无人员伤亡。",
            f"造成{w.n(f['houses'])}户民房受损，未造成人员伤亡。",
        ),
        w.pick(
            f"已紧急转移群众{w.n(f['moved'], about=True)}人。",
            f"{w.pick('镇村干部', '当地')}连夜组织{w.n(f['moved'], about=True)}名群众撤离到安全地带。",
        ),
        w.pick(
            "自然资源部门已派出专家现场勘查，设置警示标志。",
            "下一步将加强监测预警，落实巡查值守。",
        ),
    ]
    return titles, sentences


def _flood_work(w: _Writer) -> tuple[list[str], list[str]]:
    """A township's own 防汛 work: alike across townships, each its own event."""
    f = w.e.facts
    town = w.town()
    titles = [
        f"{w.e.town}扎实做好防汛备汛工作",
        f"{w.e.town}{w.pick('全力', '多措并举')}抓好防汛工作",
        f"{w.e.town}开展防汛应急演练",
    ]
    sentences = [
        w.pick(
            f"入汛以来，{town}{w.pick('高度重视', '认真落实')}防汛工作，{w.pick('压实责任', '层层压实责任')}。",
            f"{w.date()}，{town}召开防汛工作部署会，安排部署{w.pick('当前', '近期')}防汛工作。",
        ),
        w.pick(
            f"组织干部对{w.n(f['sites'])}处{w.pick('水库塘坝', '地质灾害隐患点', '山塘河道')}开展拉网式排查，整改隐患{w.n(f['fixed'])}处。",
            f"排查{w.pick('隐患点', '重点部位')}{w.n(f['sites'])}处，已整改{w.n(f['fixed'])}处。",
        ),
        w.pick(
            f"储备编织袋{w.n(f['bags'])}条、救生衣{w.n(f['vests'])}件。",
            f"备足防汛物资，组建{w.n(f['teams'])}支{w.pick('应急抢险队', '防汛突击队')}。",
        ),
        w.pick(
            f"{w.date()}，{town}在{w.e.village}组织防汛应急演练，{w.n(f['people'], about=True)}名干部群众参加。",
            f"开展防汛演练{w.n(f['drills'])}次，参与群众{w.n(f['people'], about=True)}人次。",
        ),
        w.pick(
            "严格落实24小时值班和领导带班制度。",
            "下一步，将持续加强值班值守，确保安全度汛。",
        ),
    ]
    return titles, sentences


def _gas(w: _Writer) -> tuple[list[str], list[str]]:
    f = w.e.facts
    titles = [
        f"{w.e.town}{w.e.village}发生一起燃气泄漏",
        f"{w.e.town}妥善处置{w.e.village}燃气泄漏险情",
    ]
    sentences = [
        w.pick(
            f"{w.date()}，{w.place()}{f['building']}号楼{w.pick('发生燃气泄漏', '有居民闻到燃气味')}。",
            f"{w.date()}，{w.place()}一居民楼燃气管道{w.pick('破损泄漏', '发生泄漏')}。",
        ),
        w.pick(
            f"{w.pick('社区', '街道')}和燃气公司迅速疏散居民{w.n(f['evacuated'], about=True)}人。",
            f"现场紧急疏散{w.n(f['evacuated'], about=True)}名群众，{w.pick('关闭总阀', '切断气源')}。",
        ),
        w.pick(
            f"经{w.n(f['hours'])}小时抢修，险情排除，无人员伤亡。",
            "泄漏点已完成封堵，未造成人员伤亡。",
        ),
        w.pick(
            f"泄漏原因{w.pick('系', '初步判断为')}{f['cause']}。",
            "下一步将对辖区燃气管道开展隐患排查。",
        ),
    ]
    return titles, sentences


KINDS = {
    "fire": ("emergency", _fire),
    "forest": ("emergency", _forest),
    "traffic": ("emergency", _traffic),
    "rain": ("emergency", _rain),
    "gas": ("emergency", _gas),
    "flood_work": ("work_update", _flood_work),
}
REPORTERS = {
    "fire": ["消防救援大队", "应急管理局", "公安分局", "住房和城乡建设局"],
    "forest": ["林业局", "应急管理局", "消防救援大队", "自然资源局"],
    "traffic": ["公安交警大队", "交通运输局", "卫生健康局", "应急管理局"],
    "rain": ["自然资源局", "应急管理局", "水利局", "住房和城乡建设局"],
    "gas": ["住房和城乡建设局", "消防救援大队", "应急管理局"],
    "flood_work": ["水利局", "应急管理局"],
}


def _facts(rng: random.Random, kind: str) -> dict[str, object]:
    if kind == "fire":
        return {
            "family": rng.choice("王李张刘陈杨赵黄周吴"),
            "trucks": rng.randint(2, 6),
            "firemen": rng.randint(8, 40),
            "minutes": rng.randint(20, 90),
            "injured": rng.choice([0, 0, 0, 1, 2]),
            "area": rng.randint(30, 300),
            "cause": rng.choice(
                ["电线老化短路", "电动自行车充电", "用火不慎", "燃放烟花爆竹", "灶台余火复燃"]
            ),
            "loss": rng.randint(2, 60),
            "rooms": rng.randint(1, 6),
        }
    if kind == "forest":
        return {
            "hill": rng.choice(HILLS),
            "people": rng.randint(50, 400),
            "hours": rng.randint(2, 12),
            "area": rng.randint(5, 200),
            "cause": rng.choice(["祭祀用火", "农事烧荒", "雷击", "野外吸烟"]),
        }
    if kind == "traffic":
        return {
            "road": rng.choice(ROADS),
            "km": f"K{rng.randint(10, 300)}+{rng.randint(100, 999)}",
            "vehicles": rng.choice(["货车与小轿车", "客车与货车", "摩托车与三轮车", "小轿车与电动车"]),
            "injured": rng.randint(1, 8),
            "dead": rng.choice([0, 0, 1, 2]),
            "minutes": rng.randint(30, 180),
        }
    if kind == "rain":
        return {
            "rain": rng.randint(80, 260),
            "volume": rng.randint(200, 5000),
            "houses": rng.randint(1, 12),
            "moved": rng.randint(10, 300),
        }
    if kind == "gas":
        return {
            "building": rng.randint(1, 30),
            "evacuated": rng.randint(20, 200),
            "hours": rng.randint(1, 5),
            "cause": rng.choice(["管道老化", "施工挖断管道", "阀门松动"]),
        }
    return {
        "sites": rng.randint(10, 120),
        "fixed": rng.randint(2, 30),
        "bags": rng.randint(500, 9000),
        "vests": rng.randint(50, 900),
        "teams": rng.randint(2, 12),
        "people": rng.randint(50, 500),
        "drills": rng.randint(1, 6),
    }


def _place_field(rng: random.Random, e: _Event, kind: str) -> str:
    if kind in {"forest", "traffic"}:
        full = [COUNTY + e.town, e.town, ""]
    else:
        full = [COUNTY + e.town + e.village, e.town + e.village, e.village, e.town, ""]
    weights = [3, 3, 1, 1, 3] if len(full) == 5 else [2, 3, 3]
    return rng.choices(full, weights=weights)[0]


def _write(rng: random.Random, e: _Event, unit: str, own_town: bool) -> tuple[str, str]:
    w = _Writer(rng, e, unit, own_town)
    titles, sentences = KINDS[e.kind][1](w)
    first, middle, last = sentences[0], sentences[1:-1], sentences[-1:]
    if rng.random() < 0.6:
        rng.shuffle(middle)  # reordered
    middle = [s for s in middle if rng.random() > 0.25] or middle[:1]  # partial details
    tail = last if rng.random() < 0.7 else []
    opening = ""
    if not own_town:
        opening = rng.choice(["", f"据{unit}报告，", f"{unit}报告：", "现将有关情况报告如下："])
    if own_town and rng.random() < 0.4:
        opening = rng.choice(["现将有关情况报告如下：", ""])
    body = opening + first + "".join(middle) + "\n" + "".join(tail)
    return rng.choice(titles), body.strip()


def labelled_set(
    *, events: int = 60, seed: int = 7, start: dt.datetime | None = None, days: float = 7
) -> list[LabelledItem]:
    """``events`` events (about 40% with a near twin of the same kind nearby), each reported by 1–5 units.

    The township where it happened usually reports in its own voice (我镇); county departments report
    on it too. ``days`` spreads the event times; sending follows the event by half an hour to a day.
    """
    rng = random.Random(seed)
    start = start or dt.datetime(2026, 7, 1, 6, 0, tzinfo=dt.UTC)
    plan: list[_Event] = []
    kinds = list(KINDS)
    while len(plan) < events:
        kind = rng.choice(kinds)
        town = rng.choice(TOWNS)
        village = rng.choice(VILLAGE_A) + rng.choice(VILLAGE_B)
        when = start + dt.timedelta(minutes=rng.randint(0, int(days * 24 * 60)))
        plan.append(_Event(len(plan), kind, town, village, when, _facts(rng, kind)))
        # Hard negatives: the same kind again nearby, within one to three days.
        twins = rng.choice([0, 0, 1, 2]) if kind != "flood_work" else rng.choice([1, 2, 3])
        for _ in range(twins):
            if len(plan) >= events:
                break
            near_town = town if rng.random() < 0.4 else rng.choice(TOWNS)
            near_village = rng.choice(VILLAGE_A) + rng.choice(VILLAGE_B)
            while near_town == town and near_village == village:
                near_village = rng.choice(VILLAGE_A) + rng.choice(VILLAGE_B)
            gap = dt.timedelta(hours=rng.uniform(2, 72)) * rng.choice([1, -1])
            if kind == "flood_work":
                gap = dt.timedelta(hours=rng.uniform(0, 30))
                near_town = rng.choice([t for t in TOWNS if t != town])
            plan.append(_Event(len(plan), kind, near_town, near_village, when + gap, _facts(rng, kind)))
    items: list[LabelledItem] = []
    for e in plan:
        category = KINDS[e.kind][0]
        n_reports = rng.choice([1, 2, 2, 3, 3, 4, 5]) if e.kind != "flood_work" else rng.choice([1, 1, 2])
        units = [(f"{COUNTY}{e.town}", True)]
        others = REPORTERS[e.kind][:]
        rng.shuffle(others)
        units += [(f"{COUNTY}{u}", False) for u in others]
        for unit, own in units[:n_reports]:
            title, body = _write(rng, e, unit, own)
            event_time = e.when if (category == "emergency" and rng.random() < 0.7) else None
            sent = e.when + dt.timedelta(minutes=rng.randint(30, 24 * 60))
            items.append(
                LabelledItem(
                    key=len(items),
                    event=e.id,
                    kind=e.kind,
                    category=category,
                    unit=unit,
                    title=title,
                    body=body,
                    place=_place_field(rng, e, e.kind),
                    event_time=event_time,
                    sent_at=sent,
                )
            )
    return items
