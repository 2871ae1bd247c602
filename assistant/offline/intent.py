"""Reads a question: which province, which entities, which intent."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from retrieval.gazetteer import Gazetteer, Mention
from retrieval.normalize import fold_words, has_traditional, is_mostly_english

_PROVINCE = [("湖北", re.compile(r"湖北|鄂|hubei|武汉|孝感|襄阳|宜昌|十堰")),
             ("湖南", re.compile(r"湖南|湘(?!江)|hunan|长沙|株洲"))]
_BOTH = re.compile(r"两省|两个省|两地|鄂湘|湘鄂|both provinces|the two provinces")

# Ordered: the first intent whose pattern matches wins (entities refine it later).
_INTENTS = [
    ("compare", r"比较|对比|区别|异同|有何不同|有什么不同|不同之处|相比|差异|一样吗|\bvs\b|compare|difference|differ"),
    ("document", r"文号|发文字号|字号|印发|发布(时间|日期|于)|哪天|哪一天|管到|什么时候(发|出|印)|日期|有效期|期限|时效|"
                 r"发的文|发文|哪个单位发|发给|主送|几个附件|哪些附件|哪几个附件|几个部分|哪几个部分|几部分|"
                 r"废止|替代|取代|作废|施行|生效|哪个文件|什么文件|哪份文件|发文机关|谁发的|谁印发|issued|document number|repeal|valid"),
    ("lead_dept", r"牵头部门|牵头单位|哪个部门牵头|谁牵头|牵头的|牵头是|lead department|leading department"),
    ("liaison", r"联络员|联络处室|联络人|对接处室|哪个处|处室|liaison"),
    ("general", r"总链长|(?<!揭榜)挂帅|最高层|最高领导|chief chain leader|general\)? chain leader|overall.{0,12}chain leader"),
    ("action", r"行动"),
    ("duties", r"职责|负责什么|负责哪些|干什么|管什么|做什么|分工|任务是|duties|responsib"),
    ("problem", r"找谁|找哪|哪个部门|哪些部门|哪个单位|谁配合|谁来|向谁|问谁|省里找|找省里|which department|who (handles|can help)|"
                r"难|不了|解决不|落实不|不到位|太高|太贵|缺|短缺|不够|困难|问题"),
    ("list", r"列出|列一下|列个|所有|全部|哪些(产业)?链|哪些集群|哪几条|有几条|多少条|几条|清单|名单|一览|都有哪些|有哪些|都有什么|分别是|一共|"
             r"哪几位|几位|最多|最少|只担任|只负责|包括哪些|"
             r"\blist\b|\ball\b|how many .{0,20}chains"),
    ("leader", r"谁|链长|哪位|领导|负责人|挂帅|who|leader|head"),
    ("term", r"是什么|什么意思|啥意思|含义|指什么|指的是|解释|介绍|怎么理解|内容|包括|包含|哪几个|哪些|what is|what are|meaning|explain"),
]
_INTENT_RE = [(name, re.compile(p)) for name, p in _INTENTS]


@dataclass
class Understanding:
    text: str  # the folded question
    provinces: list[str] = field(default_factory=list)
    explicit_provinces: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    intents: list[str] = field(default_factory=list)
    english: bool = False
    traditional: bool = False
    pronoun: bool = False
    world_class: bool = False
    context: str = ""  # the previous exchange, when this is a follow-up (for search)

    def of(self, kind: str) -> list[Mention]:
        return [m for m in self.mentions if m.kind == kind]

    def keys(self, kind: str) -> list[str]:
        out: list[str] = []
        for m in self.of(kind):
            if m.key not in out:
                out.append(m.key)
        return out

    @property
    def province(self) -> str | None:
        return self.provinces[0] if len(self.provinces) == 1 else None

    def has(self, intent: str) -> bool:
        return intent in self.intents


def understand(question: str, gazetteer: Gazetteer) -> Understanding:
    english = is_mostly_english(question)
    if english:
        question = question + " " + " ".join(gazetteer.translate(question))
    low = fold_words(question)
    u = Understanding(text=low, english=english, traditional=has_traditional(question))
    u.provinces = [p for p, rx in _PROVINCE if rx.search(low)]
    if _BOTH.search(low):
        u.provinces = ["湖北", "湖南"]
    u.explicit_provinces = list(u.provinces)
    u.mentions = gazetteer.scan(question)
    u.intents = [name for name, rx in _INTENT_RE if rx.search(low)]
    u.pronoun = bool(re.search(r"它|他|她|这条|那条|该链|这个链|这位|其|上述|这里面|其中|\bit\b|\bhe\b|\bshe\b|\bthey\b|\bthis\b", low))
    u.world_class = bool(re.search(r"世界级|world-class|world class", low))
    if not u.provinces:
        u.provinces = _implied_provinces(u)
    return u


def _implied_provinces(u: Understanding) -> list[str]:
    """A chain or leader name can imply the province when it exists in only one."""
    for kind in ("leader", "chain", "action"):
        provs = {m.province for m in u.of(kind) if m.province}
        if len(provs) == 1:
            return list(provs)
    dept_words = {"经信厅": "湖北", "工业和信息化厅": "湖南", "工信厅": "湖南"}
    return [p for w, p in dept_words.items() if w in u.text][:1]
