"""A conversation: the assistant keeps the history so a follow-up resolves against earlier turns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.records import Answer

if TYPE_CHECKING:
    from assistant.service import Assistant


@dataclass
class Conversation:
    """Turns of one user's session. ``ask`` passes the history to the service."""

    assistant: Assistant
    turns: list[tuple[str, Answer]] = field(default_factory=list)

    def ask(self, question: str) -> Answer:
        answer = self.assistant.ask(question, history=[q for q, _ in self.turns])
        self.turns.append((question, answer))
        return answer

    def reset(self) -> None:
        self.turns.clear()

    @property
    def history(self) -> list[str]:
        return [q for q, _ in self.turns]
