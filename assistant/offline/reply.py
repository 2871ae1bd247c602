"""What an answerer returns (a Reply: the fact in its own words, then the evidence) and what it reads
(the Context: tools' deps, templates in the asker's language, search)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.answer import Citation
from assistant.prompts import Prompts
from assistant.tools import ToolDeps
from assistant.understanding.dialogue import Dialogue, Frame
from retrieval.registry import Tables
from retrieval.tables import readable_rows


@dataclass
class Evidence:
    citation: Citation
    shown: str | None = None  # a readable copy (a table row with its column names); None: the quote itself


@dataclass
class Reply:
    lead: str  # the fact, stated in the answer's own words (Markdown, bold for the key name or number)
    evidence: list[Evidence] = field(default_factory=list)
    body: str = ""  # a list or table after the lead
    notes: list[str] = field(default_factory=list)  # after the facts: inferred cells, what the text does not say
    tools: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    refused: str | None = None  # a refusal reason: this ask is declined, `lead` says why
    about_people: bool = False  # facts about people's posts: the answer names the document and date
    final: bool = False  # a refusal that is the answer to what was asked (no other reading is tried)


Search = Callable[..., list]  # SearchIndex.search(query, k, province=None, doc_id=None)


@dataclass
class Context:
    deps: ToolDeps
    prompts: Prompts
    search: Search
    lang: str  # zh-Hans | zh-Hant | en
    dialogue: Dialogue

    @property
    def tables(self) -> Tables:
        return self.deps.tables

    @property
    def en(self) -> bool:
        return self.lang == "en"

    def say(self, template: str, **values: object) -> str:
        """An answer template in the asker's language (English, or Chinese for both scripts)."""
        return self.prompts.render(f"answers/{'en' if self.en else 'zh'}/{template}", **values)

    def evidence(self, citations: list[Citation]) -> list[Evidence]:
        """Evidence for citations; a quoted table row is shown with its column names (the citation keeps it raw)."""
        out = []
        for c in citations:
            text = self.deps.documents[c.doc_id].text if c.doc_id in self.deps.documents else ""
            out.append(Evidence(c, readable_rows(text, c.start if c.start is not None else -1, c.quote)))
        return out

    def en_name(self, name: str | None) -> str:
        """An English name for a Chinese one where the data has it, the Chinese kept beside it."""
        if not name:
            return ""
        english = self.tables.english_names.get(name)
        if english:
            return f"{english} ({name})"
        pinyin = self.deps.gazetteer.pinyin.get(name)
        return f"{pinyin} ({name})" if pinyin else name

    def current(self, items: list, frame: Frame) -> list:
        """Items (anything with a `source` document id) without those of documents a newer document of the
        base supersedes, unless the ask names the older document or its year."""
        superseded = {d.supersedes: d for d in self.tables.documents if d.supersedes}
        if not any(i.source in superseded for i in items):
            return items
        named = set(frame.keys("document"))
        text = frame.reading.folded

        def asked_for(doc_id: str) -> bool:
            meta = self.tables.document(doc_id)
            return doc_id in named or bool(meta and str(meta.date.year) in text and
                                           str(superseded[doc_id].date.year) not in text)

        kept = [i for i in items if i.source not in superseded or asked_for(i.source)]
        return kept or items

    def title_of(self, person) -> str:
        """A person's organisation and post, the organisation said once (省政协副主席; "CPPCC, vice chair")."""
        if not self.en or person.org in person.post:
            return person.title
        return f"{person.org}, {person.post}"

    def province_name(self, province: str) -> str:
        spec = self.tables.province(province)
        return spec.english if self.en and spec else province


def asks_stated(ctx: Context, frame: Frame) -> bool:
    """"有没有写…", "有文号吗": a yes/no ask whether the documents state something, which "no" answers."""
    return "yesno" in frame.reading.answer_types and frame.reading.says(ctx.tables.catalog.markers.states)


Answerer = Callable[[Context, Frame], "Reply | None"]
