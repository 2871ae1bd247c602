"""The understanding catalogue as data: intents (slots, cues, example questions, the answerer they call),
answer types of free-text asks, dialogue markers (pronouns by type, follow-up words, ask separators) and
the guard's cue sets. Files: knowledge/intents.yaml and knowledge/policy.yaml."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

SlotKind = Literal["chain", "leader", "person", "liaison", "department", "action", "term", "mechanism",
                   "document", "event", "outlet", "section", "province", "topic", "problem", "city", "division"]


class IntentSpec(BaseModel):
    """One kind of question. `needs` must all be filled (from the ask or, for a follow-up, the dialogue),
    `needs_any` at least one of them; `uses` are optional slots the answerer reads."""

    name: str
    answerer: str
    description: str
    needs: list[SlotKind] = Field(default_factory=list)
    needs_any: list[SlotKind] = Field(default_factory=list)
    uses: list[SlotKind] = Field(default_factory=list)
    cues: list[str] = Field(default_factory=list)  # phrases that signal this intent
    avoid: list[str] = Field(default_factory=list)  # phrases that speak against it
    examples: list[str] = Field(min_length=1)
    suggestions: list[str] = Field(default_factory=list)  # follow-up templates: "{chain}的牵头部门是哪个？"
    facets: dict[str, list[str]] = Field(default_factory=dict)  # what of the answer is asked: facet → cue phrases
    requires_cue: bool = False  # only when one of its cues is there (a term is named in many questions)
    # its answerer finds records by the ask's words: a reply counts only if it holds what the ask asks for
    # (a name for 谁, a number for 多少), since a record that merely shares words is not an answer
    searched: bool = False
    # its answer names a thing of the documents (a mechanism, an action, a term): an ask about a detail of
    # it ("竞赛评价机制要塑造的区域集群有什么标准") gets the sentence of the thing's passage that states the detail
    drills: bool = False
    # its refusal of a facet the ask names ("<省>方案文号": there is none) is the answer; no other reading is tried
    final_refusal: bool = False
    # what its answers name (person, unit): an ask for the other kind only ("哪个机构统筹…") is not for it
    gives: list[str] = Field(default_factory=list)
    # its records are not a province's tables, so an ask that names a city may still be answered by it
    any_place: bool = False

    def slot_kinds(self) -> set[str]:
        return {*self.needs, *self.needs_any, *self.uses}


class Pronouns(BaseModel):
    """Words that refer back, by what they refer to."""

    person: list[str] = Field(default_factory=list)
    unit: list[str] = Field(default_factory=list)
    division: list[str] = Field(default_factory=list)  # 这个处室: the liaison division the last answer named
    chain: list[str] = Field(default_factory=list)
    group: list[str] = Field(default_factory=list)  # 这两条, 这些: the last list
    event: list[str] = Field(default_factory=list)
    document: list[str] = Field(default_factory=list)
    thing: list[str] = Field(default_factory=list)  # 它, 这个: a unit, chain, action or mechanism


class Markers(BaseModel):
    follow_up: list[str]  # 那, 呢, 还, 也 …: the ask continues the dialogue
    again: list[str] = Field(default_factory=list)  # 还, 另外, 别的: more of the same, excluding what was said
    another: list[str] = Field(default_factory=list)  # 另外, 别的: not the one the last answer gave
    separators: list[str]  # 以及, 另外, 顺便 …: a new ask starts
    topic_switch: list[str] = Field(default_factory=list)  # 不聊, 换个话题 …: the earlier turns no longer apply
    numbering: list[str] = Field(default_factory=list)  # 第一, 其一 …
    ordinal_measures: list[str] = Field(default_factory=list)  # 第三"条链", 第二"个": a position in the last list
    both: list[str] = Field(default_factory=list)  # 两省, 分别 …: every covered province
    question_words: list[str] = Field(default_factory=list)  # 谁, 哪个, 吗 …: a clause that asks something
    joiners: list[str] = Field(default_factory=list)  # "and": a new ask only when a question word follows
    # "…答问的是郭涛吗": the name between these and the ask's end is checked, not what the ask is about
    check_before: list[str] = Field(default_factory=list)
    check_after: list[str] = Field(default_factory=list)
    choice: list[str] = Field(default_factory=list)  # "是<省>的还是<省>的": the word between the two a choice offers
    states: list[str] = Field(default_factory=list)  # "有没有写…": whether a document states something
    self_words: list[str] = Field(default_factory=list)  # 我司, 我们: a sentence about the asker
    continues: list[str] = Field(default_factory=list)  # 分别, 各自: a clause that goes on with the ask before it
    exists: list[str] = Field(default_factory=list)  # 有, is there: a yes/no ask whether something exists
    chain_nouns: list[str] = Field(default_factory=list)  # 链, 集群: "他另一条链" asks for a chain
    # "哪条链", "每个集群": words that point or count, so the words before a chain noun name no chain
    not_chain_names: list[str] = Field(default_factory=list)
    name_breaks: list[str] = Field(default_factory=list)  # 的, 和: a chain's name does not reach back across these
    yes_no_leads: list[str] = Field(default_factory=list)  # is, does …: an English yes/no question's first word
    pronouns: Pronouns
    not_pronouns: list[str] = Field(default_factory=list)  # 其他, 其中 …: words that hold a pronoun's characters


class Catalog(BaseModel):
    intents: list[IntentSpec]
    answer_types: dict[str, list[str]]  # person / unit / number / date / list / definition / yesno / how
    markers: Markers
    stopwords: list[str] = Field(default_factory=list)  # question words that carry no topic
    threshold: float = 0.6  # below this an ask goes to the document-answering path
    # measure words: "多少亿", "几家" ask for a number in that unit, which the answer must then carry
    units: list[str] = Field(default_factory=list)
    unit_askers: list[str] = Field(default_factory=list)  # 多少, 几: what asks for a number in a unit
    unit_synonyms: dict[str, list[str]] = Field(default_factory=dict)  # 家 ↔ 户: the same count, another word

    def question_words(self) -> list[str]:
        """Every word that makes a clause a question: the answer types' words and the markers' own."""
        return [*(w for words in self.answer_types.values() for w in words), *self.markers.question_words]

    @model_validator(mode="after")
    def _unique(self) -> Catalog:
        names = [i.name for i in self.intents]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"duplicate intent names: {sorted(dup)}")
        return self

    def intent(self, name: str) -> IntentSpec:
        return next(i for i in self.intents if i.name == name)


class CueSet(BaseModel):
    """Phrases (substring of the folded text; ASCII ones match whole words) and regular expressions."""

    phrases: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(default_factory=list)


class Policy(BaseModel):
    """What must not be answered, and what marks a smuggled instruction (knowledge/policy.yaml)."""

    personal_data: CueSet
    forgery: CueSet
    injection: CueSet
    advert: CueSet
    off_topic: CueSet
    later_period: CueSet  # the state after the documents: 现任, 完成了吗, 换人 …
    later_words: CueSet = Field(default_factory=CueSet)  # later plans: 十五五, 下一轮 …
    not_in_documents: CueSet = Field(default_factory=CueSet)  # facts the documents never hold: 工资, 产值 …
    # "那时汽车链是谁负责": the time the last ask named (a year outside the documents) still applies
    back_then: CueSet = Field(default_factory=CueSet)
    # "我知道你不能伪造公文，…": a request cue right after one of these is said of the assistant, not asked of it
    negations: list[str] = Field(default_factory=list)
    negation_questions: list[str] = Field(default_factory=list)  # 能不能, 会不会: a question, not a negation
