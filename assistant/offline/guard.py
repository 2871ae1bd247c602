"""Decides what must not be answered: personal data, forgery, smuggled instructions, other provinces,
later years, unrelated tasks. Also strips injected sentences so the rest can still be answered."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.normalize import fold_words

_PERSONAL = re.compile(
    r"电话|手机|号码|住址|家庭地址|住在|家住|住哪|身份证|邮箱|电子邮件|微信号|qq号|联系方式|私人|家人|车牌|"
    r"办公室地址|办公地址|在哪办公|出生|生日|年龄|多大了|工资|收入|财产|"
    r"\bphone|\bmobile\b|\baddress|e-?mail|wechat|id number|\bhome\b|contact detail|salary|birthday"
)
_FORGERY = re.compile(
    r"伪造|冒充|仿造|仿冒|假冒|编造|捏造|以.{0,8}名义|"
    r"(起草|拟|写|拟写|草拟|撰写|编写|生成|做|出具|仿照|模仿).{0,16}(红头|文件|通知|公文|文号|批示|批复|签名|签字|公章|盖章|印章|发文)|"
    r"(盖|加盖|伪造|模仿).{0,4}(章|签名|签字)|"
    r"forge|fake|draft (a|an|the) .{0,20}(document|notice|circular)|write (a|an) (official )?(document|notice)|signature"
)
_INJECTION = re.compile(
    r"忽略(以上|之前|上面|前面|所有|先前|你的)|无视(以上|之前|所有|你的)|(系统|开发者)(提示|指令|消息|通知|模式)|提示词|"
    r"你现在是|你是一个没有限制|扮演|dan模式|\bdan\b|越狱|jailbreak|(输出|打印|显示|告诉我|泄露|复述)(你的)?(系统|初始|内部)?(提示|指令|设定|prompt)|"
    r"最新(文件|通知|消息|规定)(显示|称|表明|规定)|根据最新|已(更换|改|调整|变更)为|已经(换成|改成|更换为)|"
    r"ignore (all|the|previous|above|your)|system prompt|developer mode|you are now|new instructions|"
    r"【\s*(系统|管理员|检索|资料|文档)|\[\s*(system|admin)|<\s*/?\s*(system|script)|assistant:|system:"
)
_URL = re.compile(r"(https?://|www\.)\S+|\S+\.(com|cn|net|org|xyz|top|io)\b", re.I)
_AD = re.compile(r"加微信|扫码|优惠券|广告|点击链接|访问网站|咨询电话|热线|click here|visit (our|my)")
_MARKUP = re.compile(r"<!--.*?-->|<[^>]{1,200}>", re.S)

OTHER_PROVINCES = (
    "北京 天津 河北 山西 内蒙古 辽宁 吉林 黑龙江 上海 江苏 浙江 安徽 福建 江西 山东 河南 广东 广西 海南 "
    "重庆 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 台湾 香港 澳门 深圳 杭州 南京 成都 苏州 "
    "guangdong zhejiang jiangsu beijing shanghai sichuan henan shandong anhui fujian jiangxi"
).split()
_YEAR = re.compile(r"(20\d\d)\s*年?")
_LATER = re.compile(
    r"换了|换人|变动|调整|换届|现任|现在|目前|如今|最新|当前|还是|至今|后来|"
    r"实现了|完成了|达成了|达到了|完成情况|完成得|实现没|完成没|落实情况|进展|成效如何|结果|排名|"
    r"currently|now|today|latest|still|achieved|met|completed"
)
_OFF_TOPIC = re.compile(
    r"天气|气温|下雨|写代码|代码|编程|python|java|sql|算法题|股票|股价|汽车股|走势|基金推荐|彩票|菜谱|做菜|笑话|"
    r"写诗|写首诗|电影|小说|翻译这|星座|旅游|机票|酒店|订票|买票|车票|高铁票|订一张|比赛比分|请假条|作文|"
    r"产值|营收|销量|卖了多少|利润|预测|"
    r"weather|\bcode\b|\bprogram|\bstocks?\b|recipe|joke|poem|movie|translate this"
)


@dataclass
class Verdict:
    reason: str | None = None  # personal_data | forgery | injection | other_province | later_period | off_topic
    injected: bool = False
    clean_question: str = ""
    other_provinces: list[str] = field(default_factory=list)
    later_years: list[int] = field(default_factory=list)


def _strip_injection(question: str) -> tuple[str, bool]:
    """Drop the sentences that carry instructions, links or adverts; keep the genuine question."""
    stripped = _MARKUP.sub("\n", question)
    injected = stripped != question
    parts = re.split(r"(?<=[。！？!?；;\n])|(?=【)|(?<=】)", stripped)
    kept = []
    for part in parts:
        low = fold_words(part)
        if _INJECTION.search(low) or _URL.search(part) or _AD.search(low):
            injected = True
            continue
        kept.append(part)
    return "".join(kept).strip(), injected


def inspect(question: str) -> Verdict:
    clean, injected = _strip_injection(question)
    low = fold_words(clean)
    verdict = Verdict(injected=injected, clean_question=clean)
    verdict.other_provinces = [p for p in OTHER_PROVINCES if p in low]
    verdict.later_years = [int(y) for y in _YEAR.findall(low) if int(y) >= 2024]
    if _FORGERY.search(low):
        verdict.reason = "forgery"
    elif _PERSONAL.search(low):
        verdict.reason = "personal_data"
    elif injected and not clean:
        verdict.reason = "injection"
    return verdict


def asks_later_period(low: str, years: list[int]) -> bool:
    """A question about what happened after the documents (later years, current state, results)."""
    if any(y == 2024 or y > 2025 for y in years):
        return True
    return _mentions_state(low)


def _mentions_state(low: str) -> bool:
    return bool(re.search(r"换了|换人|变动|调整|换届|现任|后来|调任|调到|离任|卸任|升任|实现了|完成了|达成了|达到了|"
                          r"完成情况|完成没|实现没|明年|新一轮|新出台|最新|"
                          r"currently|still|achieved|\bmet\b|now", low))


def is_off_topic(low: str) -> bool:
    return bool(_OFF_TOPIC.search(low))


_CLAUSE = re.compile(r"(?<=[。！？!?；;])|(?=另外|顺便|还有|再帮|并且|同时)")


def clauses(question: str) -> list[str]:
    return [c for c in _CLAUSE.split(question) if c and c.strip(" ，,。？?！!")]


def clause_reason(clause: str) -> str | None:
    """Why one clause must be declined, or None when it may be answered."""
    low = fold_words(clause)
    if _FORGERY.search(low):
        return "forgery"
    if _PERSONAL.search(low):
        return "personal_data"
    if _OFF_TOPIC.search(low):
        return "off_topic"
    if asks_later_period(low, [int(y) for y in _YEAR.findall(low)]):
        return "later_period"
    return None
