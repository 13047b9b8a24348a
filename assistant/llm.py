"""The optional LLM role: rewrite the composed, cited answer into fluent text — and distrust the result.

Off by default and never required. The LLM speaks through llama-index's LLM interface (Ollama or an
OpenAI-compatible endpoint from settings). Whatever it writes goes through the same claim checker as
composed answers, and its citations are validated: a sentence without a valid [n], or an [n] that
names no citation, is flagged. A flagged rewrite is not shown; the composed answer is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.settings import Settings
from corpus.patterns import rx
from corpus.sentences import split_sentences

PROMPT = """You rewrite answers about customs arrangements into fluent, plain English.
Rules:
- Use only the statements in the DRAFT below; add no facts, numbers or dates.
- Every sentence must end with the [n] markers of the draft statements it restates. Never invent a marker.
- Keep every number and date exactly as written in the draft.

QUESTION: {question}

DRAFT (each statement ends with its citation marker):
{draft}

SOURCES:
{sources}

Fluent answer:"""

_MARK = re.compile(r"\[(\d+)\]")


class LLMUnavailable(RuntimeError):
    """The configured LLM cannot be used (package missing or endpoint unreachable)."""


def make_llm(settings: Settings) -> Any | None:
    """The factory for the LLM role: None unless settings name a provider."""
    provider = (settings.llm_provider or "").lower()
    if not provider or provider in ("none", "off"):
        return None
    try:
        if provider == "ollama":
            from llama_index.llms.ollama import Ollama

            return Ollama(model=settings.llm_model or "llama3.1", base_url=settings.llm_base_url or "http://127.0.0.1:11434",
                          request_timeout=settings.llm_timeout)
        if provider in ("openai", "openai-like", "openai_like"):
            from llama_index.llms.openai_like import OpenAILike

            return OpenAILike(model=settings.llm_model or "gpt-4o-mini", api_base=settings.llm_base_url,
                              api_key=settings.llm_api_key or "none", is_chat_model=True, timeout=settings.llm_timeout)
    except ImportError as exc:
        raise LLMUnavailable(
            f"the {provider} LLM needs its llama-index integration: pip install 'customs-assistant[llm]' ({exc})"
        ) from exc
    raise LLMUnavailable(f"unknown LLM provider {settings.llm_provider!r}: use ollama or openai")


@dataclass(frozen=True)
class Rewrite:
    """The LLM's text and what was wrong with it; ``accepted`` only when nothing was."""

    text: str
    flags: tuple[str, ...] = field(default_factory=tuple)

    @property
    def accepted(self) -> bool:
        return not self.flags


def rewrite(llm: Any, question: str, draft: str, citations: dict[int, str]) -> Rewrite:
    """Ask the LLM for fluent text, then flag sentences lacking valid citations."""
    sources = "\n".join(f"[{n}] {quote}" for n, quote in sorted(citations.items()))
    try:
        response = llm.complete(PROMPT.format(question=question, draft=draft, sources=sources))
    except Exception as exc:  # an unreachable endpoint must not break answering
        return Rewrite("", (f"LLM call failed: {exc}",))
    text = " ".join(str(getattr(response, "text", response)).split())
    return Rewrite(text, tuple(citation_flags(text, set(citations))))


def _sentences_with_marks(text: str) -> list[str]:
    """Sentences of ``text``, each with the [n] markers written after its full stop."""
    out: list[str] = []
    for s in split_sentences(text):
        body = s.text
        lead = rx(r"(?:\[\d+\]\s*)+").match(body)
        if lead and out:
            out[-1] += " " + lead.group(0).strip()
            body = body[lead.end():]
        if body.strip():
            out.append(body.strip())
    return out


def citation_flags(text: str, valid: set[int]) -> list[str]:
    """Sentences with no [n] marker, and markers that name no citation."""
    flags = []
    for sentence in _sentences_with_marks(text):
        if not rx(r"[^\W\d]").search(rx(r"\[\d+\]").sub("", sentence)):
            continue
        marks = {int(x) for x in _MARK.findall(sentence)}
        if not marks:
            flags.append(f"uncited sentence: {sentence!r}")
        for n in sorted(marks - valid):
            flags.append(f"invented citation [{n}] in: {sentence!r}")
    return flags
