"""Typed tool functions over the knowledge base: plain `(deps, …) -> pydantic result` functions whose
docstring is the tool's description. One registry serves the offline engine, the LLM engine, HTTP and the CLI."""

from __future__ import annotations

from collections.abc import Callable

from assistant.tools.chains import (
    ChainFact,
    ChainResult,
    GeneralLeadersResult,
    LeaderResult,
    chain_leader,
    chain_result,
    chains_of_department,
    chains_of_division,
    chains_of_leader,
    chains_of_liaison,
    general_leaders,
    lead_department,
    liaison,
    list_chains,
)
from assistant.tools.deps import NotFoundInfo, ToolDeps, unique_citations
from assistant.tools.documents import compare, define, document_info, outline, section_opening
from assistant.tools.narrative import event_info, exchanges, figures, mechanisms, person_profile, statements
from assistant.tools.units import (
    ActionResult,
    DutyResult,
    RouteResult,
    action_lead,
    all_actions,
    department_actions,
    department_duties,
    department_for_problem,
    units_for_duty,
)

TOOLS: dict[str, Callable] = {fn.__name__: fn for fn in (
    list_chains, chain_leader, chains_of_leader, lead_department, liaison, chains_of_liaison, chains_of_division, chains_of_department,
    general_leaders, department_duties, units_for_duty, department_for_problem, action_lead, all_actions, department_actions,
    event_info, person_profile, exchanges, statements, figures, mechanisms, document_info, outline, section_opening, define,
    compare,
)}

__all__ = ["TOOLS", "ActionResult", "ChainFact", "ChainResult", "DutyResult", "GeneralLeadersResult", "LeaderResult",
           "NotFoundInfo", "RouteResult", "ToolDeps", "chain_result", "unique_citations", *TOOLS]
