"""AI analysis: OpenAI, Anthropic and OpenAI-compatible servers write rules, checked.

Modules by job: ``_settings`` (``--ai`` resolved against the SDK variables and ``.env``;
keys kept in :class:`Secret`), ``_prompt`` (the versioned template filled from the plan,
split when large), ``_clients`` (the official SDKs behind one seam, rate limit),
``_answer`` (untrusted answers parsed, validated, checked and pruned), ``_cost`` (tokens
and estimated cost, prices in ``data/ai_prices.yaml``) and ``_analyzer`` (the loop with
repair turns, merged over the heuristic). docs/ai.md tells the whole story.
"""

from demogen.analysis.ai._analyzer import AIAnalyzer
from demogen.analysis.ai._cost import Usage
from demogen.analysis.ai._prompt import PROMPT_VERSION
from demogen.analysis.ai._settings import AIChoice, AIOptions, Secret, resolve_ai

__all__ = ["PROMPT_VERSION", "AIAnalyzer", "AIChoice", "AIOptions", "Secret", "Usage",
           "resolve_ai"]
