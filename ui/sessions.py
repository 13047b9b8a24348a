"""The page's conversations, kept on the server by an unguessable id the browser tab holds.

The Ask tab asks through a plain route (``ui.page``), not Gradio's queue, so its conversation cannot live
in ``gr.State``: the tab keeps only the id, and every handler that needs the conversation (ask, rate, note,
reset, export) looks it up here. Bounded: the least recently used conversations are forgotten first (a tab
whose id was forgotten starts a new conversation; the browser still holds its turns for a reload).
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant import Conversation

# Each conversation holds its chat as HTML and its answers' JSON, ~20 KB a turn: 500 conversations of five turns
# are ~50 MB. One forgotten costs little: its tab asks again with the turns the browser kept (ui.page).
MAX_SESSIONS = 500


@dataclass
class ChatSession:
    """One browser tab's conversation and the chat messages shown for it."""

    conversation: Conversation
    messages: list[dict[str, str]] = field(default_factory=list)
    last: dict[str, Any] | None = None
    # message index -> (earlier questions, answer JSON): what a thumbs up / down on that message rates
    answer_at: dict[int, tuple[list[str], dict[str, Any]]] = field(default_factory=dict)
    kept: list[dict[str, Any]] = field(default_factory=list)  # the turns the browser keeps (transcript.saved_turn)
    feedback_id: int | None = None  # the last rating given, which a note is added to
    # one question at a time per conversation: a double click must not interleave two turns' messages
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)


class Sessions:
    """Conversations by id; thread-safe, least recently used forgotten past ``limit``."""

    def __init__(self, conversation: Callable[[], Conversation], limit: int = MAX_SESSIONS) -> None:
        self._conversation = conversation
        self._limit = limit
        self._by_id: OrderedDict[str, ChatSession] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, sid: str | None) -> ChatSession | None:
        """The conversation of ``sid``, or None if there is none (never given, or forgotten)."""
        if not sid or not isinstance(sid, str):
            return None
        with self._lock:
            session = self._by_id.get(sid)
            if session is not None:
                self._by_id.move_to_end(sid)
            return session

    def new(self) -> tuple[str, ChatSession]:
        """A fresh conversation and its id (128 random bits: an id cannot be guessed to read another's)."""
        sid, session = secrets.token_urlsafe(16), ChatSession(self._conversation())
        with self._lock:
            self._by_id[sid] = session
            while len(self._by_id) > self._limit:
                self._by_id.popitem(last=False)
        return sid, session

    def find(self, sid: str | None) -> tuple[str, ChatSession]:
        """The conversation of ``sid``, or a new one (with its new id) when there is none."""
        session = self.get(sid)
        return (str(sid), session) if session is not None else self.new()
