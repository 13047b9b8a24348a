"""The assistant service: understand, retrieve, answer, check. The CLI and the UI call only this."""

from assistant.conversation import Conversation
from assistant.records import Answer, Citation, Passage
from assistant.retrieve import Filters, HybridRetriever, resolve_partner
from assistant.service import Assistant, EmptyIndexError, make_embedder, make_store
from assistant.settings import Settings

__all__ = [
    "Answer", "Assistant", "Citation", "Conversation", "EmptyIndexError", "Filters", "HybridRetriever",
    "Passage", "Settings", "make_embedder", "make_store", "resolve_partner",
]
