"""The offline question engine: a deterministic parser that reads a question into an intent,
and code writers (:mod:`.codegen`) that turn the intent into pandas code."""

from .plan import CONFIDENT, Plan, example_questions, plan, unmatched_hint

__all__ = ["CONFIDENT", "Plan", "example_questions", "plan", "unmatched_hint"]
