"""The language-model engine: any OpenAI-compatible endpoint writes the code, the sandbox runs it.

:mod:`.client` talks to the endpoint, :mod:`.prompt` builds the (masked) messages,
:mod:`.extract` finds code and a chart in the reply, :mod:`.cache` keeps answers, and
:mod:`.engine` puts them together.
"""

from .cache import CACHE_SIZE, clear_cache
from .engine import answer, ask_llm, suggested_chart

__all__ = ["CACHE_SIZE", "answer", "ask_llm", "clear_cache", "suggested_chart"]
