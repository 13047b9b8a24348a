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
    earlier: list[str] = field(default_factory=list)  # questions of a restored conversation (kept by the browser)

    def ask(self, question: str) -> Answer:
        answer = self.assistant.ask(question, history=self.history)
        self.turns.append((question, answer))
        return answer

    def reset(self) -> None:
        self.turns.clear()
        self.earlier.clear()

    def restore(self, questions: list[str]) -> None:
        """Continue a conversation kept elsewhere: follow-ups resolve against its earlier questions."""
        self.reset()
        self.earlier.extend(q for q in questions if q.strip())

    @property
    def history(self) -> list[str]:
        return [*self.earlier, *(q for q, _ in self.turns)]
