"""The assistant service: understand, retrieve, answer, check. The CLI and the UI call only this.

Names are imported on first use (PEP 562), so importing one submodule does not load the others
and their heavy dependencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from corpus.lazy import lazy_names

if TYPE_CHECKING:
    from assistant.conversation import Conversation
    from assistant.records import Answer, Citation, Passage
    from assistant.retrieve import Filters, HybridRetriever
    from assistant.service import Assistant, EmptyIndexError, make_embedder, make_store
    from assistant.settings import Settings
    from corpus.partners import resolve_partner

_MODULES: dict[str, str] = {
    "Conversation": "assistant.conversation",
    "Answer": "assistant.records",
    "Citation": "assistant.records",
    "Passage": "assistant.records",
    "Filters": "assistant.retrieve",
    "HybridRetriever": "assistant.retrieve",
    "resolve_partner": "corpus.partners",
    "Assistant": "assistant.service",
    "EmptyIndexError": "assistant.service",
    "make_embedder": "assistant.service",
    "make_store": "assistant.service",
    "Settings": "assistant.settings",
}

__all__ = [
    "Answer", "Assistant", "Citation", "Conversation", "EmptyIndexError", "Filters", "HybridRetriever",
    "Passage", "Settings", "make_embedder", "make_store", "resolve_partner",
]

__getattr__, __dir__ = lazy_names(globals(), _MODULES)
