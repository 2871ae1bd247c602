"""The content-safety lexicon as data: sensitive terms, each with a category and an action, and an allow-list of
legitimate phrases that contain a term (军民融合 contains 军民). The deployment supplies it as a file (its import
format, below) and operators edit it on the admin page; the edited lexicon is stored whole in the overlay.

Import format, one entry a line (UTF-8; blank lines and lines starting with `#` are skipped):
`term` alone, or CSV `term,category,action` with the category and the action optional (defaults 自定义 and
block). The action `allow` puts the phrase on the allow-list instead. A malformed line refuses the whole import,
naming every bad line: nothing is half imported."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, Field, ValidationError

from assistant.errors import InvalidLexicon

Action = Literal["block", "mask", "flag"]
ACTIONS: tuple[str, ...] = get_args(Action)
CATEGORIES = ("涉政", "辱骂", "违法", "广告", "自定义")
ACTION_LABELS = {"block": "拦截", "mask": "打码", "flag": "标记"}
_ALLOW = "allow"


def _phrase(value: str) -> str:
    value = value.strip()
    if not value or any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") for c in value):
        raise ValueError("must be printable text on one line")
    return value


Phrase = Annotated[str, Field(min_length=1, max_length=50), AfterValidator(_phrase)]
Category = Annotated[str, Field(min_length=1, max_length=20), AfterValidator(_phrase)]


class Term(BaseModel):
    term: Phrase
    category: Category = "自定义"
    action: Action = "block"
    enabled: bool = True


class Lexicon(BaseModel):
    terms: list[Term] = Field(default_factory=list)
    allow: list[Phrase] = Field(default_factory=list)

    def merged(self, terms: list[Term], allow: list[str]) -> Lexicon:
        """This lexicon with `terms` added (one with the same text replaces the old entry) and `allow` added."""
        given = {t.term for t in terms}
        kept = [t for t in self.terms if t.term not in given]
        return Lexicon(terms=[*kept, *terms], allow=[*self.allow, *(a for a in allow if a not in self.allow)])

    def without(self, term: str) -> Lexicon:
        return Lexicon(terms=[t for t in self.terms if t.term != term], allow=[a for a in self.allow if a != term])

    def toggled(self, term: str, enabled: bool) -> Lexicon:
        return Lexicon(terms=[t.model_copy(update={"enabled": enabled}) if t.term == term else t for t in self.terms],
                       allow=list(self.allow))

    def has(self, phrase: str) -> bool:
        return any(t.term == phrase for t in self.terms) or phrase in self.allow


def _entry(cells: list[str], number: int) -> Term | str:
    cells = [c.strip() for c in cells]
    term = cells[0] if cells else ""
    category = cells[1] if len(cells) > 1 and cells[1] else "自定义"
    action = cells[2].lower() if len(cells) > 2 and cells[2] else "block"
    if len(cells) > 3 and any(cells[3:]):
        raise ValueError(f"line {number}: at most three columns (term,category,action)")
    if action == _ALLOW:
        if not 0 < len(term) <= 50 or any(unicodedata.category(c) in ("Cc", "Cs") for c in term):
            raise ValueError(f"line {number}: an allow-listed phrase must be 1 to 50 printable characters")
        return term
    if action not in ACTIONS:
        raise ValueError(f"line {number}: unknown action '{action}' (one of {', '.join((*ACTIONS, _ALLOW))})")
    try:
        return Term(term=term, category=category, action=action)
    except ValidationError as exc:
        where = ", ".join(str(e["loc"][0]) + ": " + e["msg"] for e in exc.errors())
        raise ValueError(f"line {number}: {where}") from None


def parse(text: str) -> tuple[list[Term], list[str]]:
    """Terms and allow-listed phrases from the import format; InvalidLexicon names every bad line."""
    terms: list[Term] = []
    allow: list[str] = []
    wrong: list[str] = []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            entry = _entry(next(csv.reader(io.StringIO(line))), number)
        except (ValueError, csv.Error) as exc:
            wrong.append(str(exc))
            continue
        (allow if isinstance(entry, str) else terms).append(entry)  # type: ignore[arg-type]
    if wrong:
        raise InvalidLexicon("the lexicon was not imported: " + "; ".join(wrong[:20]))
    return terms, allow


def load(path: Path | None) -> Lexicon:
    """The deployment's lexicon file (the import format); none configured or no such file → an empty lexicon."""
    if path is None or not path.is_file():
        return Lexicon()
    terms, allow = parse(path.read_text(encoding="utf-8"))
    return Lexicon().merged(terms, allow)


def served(stored: dict[str, Any] | None, path: Path | None) -> Lexicon:
    """The lexicon in force: the one operators edited (stored in the overlay), else the deployment's file."""
    return Lexicon.model_validate(stored) if stored is not None else load(path)


def export(lexicon: Lexicon) -> str:
    """The lexicon in the import format (disabled terms are not exported: a file has no such column)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for t in lexicon.terms:
        if t.enabled:
            writer.writerow([t.term, t.category, t.action])
    for phrase in lexicon.allow:
        writer.writerow([phrase, "", _ALLOW])
    return out.getvalue()
