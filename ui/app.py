"""The Gradio app: Ask, Search, Facts, Bulletins (admin) and Evaluate tabs over one ``Assistant``.

The app holds no retrieval or checking logic: every handler calls the assistant service and hands its
JSON to ``ui.render``, which escapes all bulletin and answer text before it becomes HTML.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import gradio as gr
import pandas as pd

from assistant.feedback import to_jsonl
from assistant.service import MAX_QUESTION_CHARS, parse_day
from assistant.transcript import kept, saved_turn, to_markdown
from corpus.patterns import rx
from ui import page, render
from ui.net import check_port
from ui.server import run as run_server
from ui.server import web_app
from ui.sessions import ChatSession, Sessions

if TYPE_CHECKING:
    from assistant import Assistant

EXAMPLES = [
    "What was the total trade value between the Mainland and Macao in 2022?",
    "Which facilitation measures do AEO enterprises of China and Serbia enjoy?",
    "When did China and Serbia sign their AEO mutual recognition agreement?",
    "How many Belt and Road partners have mutual recognition with China?",
]
# Fixed pixel widths: percentages of a phone-wide table left one letter per line; now the table scrolls sideways.
FACT_WIDTHS: list[str | int] = ["110px", "70px", "80px", "240px", "110px", "110px", "190px", "140px", "320px"]
# Preferred columns first; records may carry more keys (each then gets 200px, never a leftover sliver that wraps
# its heading one letter per line).
ARRANGEMENT_WIDTHS: list[str | int] = [*["90px", "150px", "150px", "170px", "170px", "200px", "280px", "140px",
                                         "190px", "200px", "280px"], *["200px"] * 12]
_SURROGATE = re.compile("[\ud800-\udfff]")
LOG = logging.getLogger(__name__)


def skip_missing_matplotlib() -> None:
    """Gradio imports matplotlib around every event it processes (to switch its backend); where matplotlib is
    not installed, each of those imports searched the whole module path again: about 7 % of the server's time
    under load. Marked missing once, the import fails at once (Python's documented ``None`` in sys.modules)."""
    import importlib.util
    import sys

    if "matplotlib" not in sys.modules and importlib.util.find_spec("matplotlib") is None:
        sys.modules["matplotlib"] = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Turn:
    """Where one question leaves the Ask tab: the box (None: it keeps its text), the chat, and the sources
    panel and answer JSON (both unchanged when the question was refused: ``shown`` False)."""

    box: str | None
    messages: list[dict[str, str]]
    panel: str | None
    result: dict[str, Any] | None
    shown: bool = True


def _partner_choices() -> list[tuple[str, str]]:
    from corpus import all_names

    return [("Any partner", "")] + [(n, n) for n in all_names()]


def _resolve_partner(name: str | None) -> str | None:
    """The canonical partner for a dropdown value; ValueError with a readable message if unknown."""
    if not name:
        return None
    from assistant import resolve_partner

    return resolve_partner(name)


def clean_text(value: object) -> str:
    """Text from the browser or an API client made encodable: lone surrogates become U+FFFD.

    A string such as ``"\\ud800"`` is valid JSON but not UTF-8; passed on, it fails deep in the
    search or when the reply is encoded, so the user would get a traceback instead of an answer.
    """
    return _SURROGATE.sub("\ufffd", "" if value is None else str(value))


def _eval_api() -> dict[str, Any] | None:
    """The evaluation harness functions the Evaluate tab needs, or None when the package is not usable."""
    try:
        import evals.command  # noqa: F401  (the tab exists only when the harness is importable)
        from evals.evaluate import evaluate, failing, save_run, saved_runs, thresholds
        from evals.gate import ThresholdError
        from evals.report import RunFileError, load_item_scores
        from evals.schema import SetError, load_set, shipped_sets
    except Exception:  # noqa: BLE001 - any import problem means: no Evaluate tab
        return None
    return {"evaluate": evaluate, "failing": failing, "save_run": save_run, "saved_runs": saved_runs,
            "thresholds": thresholds, "ThresholdError": ThresholdError, "RunFileError": RunFileError,
            "load_item_scores": load_item_scores, "SetError": SetError, "load_set": load_set,
            "shipped_sets": shipped_sets}


class App:
    """Handlers bound to one assistant; ``build`` lays out the Blocks and wires them."""

    def __init__(self, assistant: Assistant) -> None:
        self.a = assistant
        self.password = assistant.settings.admin_password or None
        self.tmp = Path(tempfile.mkdtemp(prefix="customs-ui-"))
        # Reading handlers run this many at once (the service reads without a global lock); uploads, which
        # write, keep Gradio's default of one at a time.
        self.parallel = assistant.settings.concurrency
        self.evals = _eval_api()
        self.sessions = Sessions(assistant.conversation)
        skip_missing_matplotlib()

    # -- Ask --------------------------------------------------------------------------------------
    def _texts(self, result: dict[str, Any]) -> dict[str, str | None]:
        """The full texts of the bulletins an answer cites or names as closest, from the index's snapshot (the
        one the answer was just read from, held in memory: no catalog read per bulletin)."""
        docs = self.a.snapshot().by_source
        texts: dict[str, str | None] = {}
        for c in [*(result.get("citations") or []), *(result.get("closest") or [])]:
            src = c.get("source")
            if src and src not in texts:
                doc = docs.get(src)
                texts[src] = doc.text if doc else None
        return texts

    def _session(self, *sids: str | None) -> ChatSession | None:
        """The conversation of the first id given that has one (the page's id, then a Gradio API caller's)."""
        for sid in sids:
            session = self.sessions.get(sid)
            if session is not None:
                return session
        return None

    def _turn(self, question: str, session: ChatSession) -> Turn:
        """One question asked in ``session``: what the box, chat, sources panel and answer JSON show after.

        A question the service refuses (empty, too long) is answered in the chat with the reason and the
        text stays in the box to be edited; a failure ends the chat with a message, never a stuck spinner.
        """
        from assistant import EmptyIndexError

        question = " ".join(clean_text(question).split())
        refusal = None
        if not question:
            refusal = "Type a question first."
        elif len(question) > MAX_QUESTION_CHARS:
            refusal = (f"This question is {len(question):,} characters long; the limit is {MAX_QUESTION_CHARS:,}. "
                       "Shorten it and ask again.")
        if refusal is not None:
            note = {"role": "assistant", "content": render.message(refusal, elem="span")}
            return Turn(None, session.messages + [note], None, None, shown=False)
        session.messages.append({"role": "user", "content": render.esc(question)})
        try:
            result = session.conversation.ask(question).to_json()
        except (EmptyIndexError, ValueError) as exc:
            return self._failed(session, str(exc))
        except Exception as exc:  # noqa: BLE001 - the chat must end with a message, never a stuck spinner
            LOG.exception("ask failed for %r", question)
            return self._failed(session, f"Sorry, the question could not be answered ({type(exc).__name__}). "
                                         "Please try again.")
        session.last = result
        session.messages.append({"role": "assistant", "content": render.answer_bubble(result)})
        session.answer_at[len(session.messages) - 1] = (session.conversation.history[:-1], result)
        session.kept.append(saved_turn(result))
        panel = render.sources_html(result, self._texts(result), turn=len(session.conversation.history))
        return Turn("", list(session.messages), panel, result)

    @staticmethod
    def _failed(session: ChatSession, text: str) -> Turn:
        session.messages.append({"role": "assistant", "content": render.message(text, elem="span")})
        return Turn("", list(session.messages), render.message(text), None)

    def ask(self, question: str, sid: str | None) -> tuple[Any, ...]:
        """Gradio's ``/ask`` endpoint (gradio_client and other tools): one question in the caller's session,
        whose id Gradio keeps in the caller's ``gr.State``."""
        sid, session = self.sessions.find(sid)
        with session.lock:
            turn = self._turn(question, session)
        return (gr.skip() if turn.box is None else turn.box, turn.messages, sid,
                turn.panel if turn.shown else gr.skip(), turn.result if turn.shown else gr.skip())

    def page_ask(self, question: str, sid: str | None, turns: Any = None) -> dict[str, Any]:
        """The page's Ask (``POST /ui/ask``, outside Gradio's queue): one question in the tab's conversation and
        every value the tab shows after it, the chat already in the form Gradio's Chatbot takes.

        ``turns``: what the browser kept of a conversation the server no longer has (restarted, or forgotten
        as least recently used); it is restored and the question asked in it.
        """
        found = self.sessions.get(sid)
        if found is not None and sid is not None:
            session = found
        else:
            sid, session = self._restored(kept(turns)) if turns else self.sessions.new()
        with session.lock:
            turn = self._turn(question, session)
            kept_turns, export, footer = self.saved(sid)
        return {"session": sid, "box": turn.box, "chat": self.chat_value(turn.messages), "shown": turn.shown,
                "sources": turn.panel, "result": turn.result, "kept": kept_turns, "export": export, "footer": footer}

    def chat_value(self, messages: list[dict[str, str]]) -> Any:
        """Chat messages as Gradio's Chatbot sends them to the browser (its own postprocessing)."""
        return self.chat.postprocess(cast(Any, messages)).model_dump()

    def reset(self, sid: str | None, page_sid: str | None = None) -> tuple[Any, ...]:
        """Start a new conversation: follow-ups no longer refer to earlier turns."""
        session = self._session(page_sid, sid)
        if session is not None:
            with session.lock:
                session.conversation.reset()
                session.messages.clear()
                session.last = None
                session.answer_at.clear()
                session.kept.clear()
                session.feedback_id = None
        return [], sid, render.sources_html(None, {}), None

    def search(self, query: str, partner: str | None, since: str, until: str) -> tuple[Any, ...]:
        """Grouped, highlighted hits, and the best hit opened in the bulletin viewer."""
        from assistant import EmptyIndexError

        nothing = gr.update(choices=[], value=None)
        query = " ".join(clean_text(query).split())
        partner, since, until = clean_text(partner), clean_text(since), clean_text(until)
        if not query:
            return render.message("Type something to search for."), "", nothing, ""
        try:
            canonical = _resolve_partner(partner)
            since_d, until_d = parse_day(since, "From"), parse_day(until, "To")
            if since_d and until_d and since_d > until_d:
                raise ValueError("From must be on or before To")
            result = self.a.search_grouped(query, partner=canonical, since=since_d, until=until_d)
        except (ValueError, EmptyIndexError) as exc:
            return render.message(str(exc)), "", nothing, ""
        choices = render.hit_choices(result)
        first = choices[0][1] if choices else None
        n = len(result.get("results") or [])
        groups = len(result.get("groups") or [])
        note = f"{n} passage{'s' if n != 1 else ''} in {groups} bulletin{'s' if groups != 1 else ''}"
        if canonical:
            note += f" naming {canonical}"
        if since_d or until_d:
            from assistant.service import bulletins_without_year

            undated = len(bulletins_without_year(self.a, canonical))
            if undated:
                note += (f"; {undated} bulletin{'s' if undated != 1 else ''} without a known year "
                         f"{'are' if undated != 1 else 'is'} not shown (a date range cannot include them)")
        return (render.message(note, ok=True), render.search_html(result), gr.update(choices=choices, value=first),
                self.open_hit(first))

    def open_clicked_hit(self, evt: gr.EventData) -> tuple[str, Any]:
        """A click (or Enter) on a search result: its bulletin in the viewer at that passage, and the picker set."""
        try:
            value = clean_text(evt.hit)
        except (AttributeError, TypeError):  # a click beside the results carries no hit
            return gr.skip(), gr.skip()
        return self.open_hit(value), gr.update(value=value)

    def open_hit(self, value: str | None) -> str:
        """The whole bulletin of a search hit, the hit's passage marked."""
        hit = render.parse_hit(value)
        if hit is None:
            return ""
        source, start, end = hit
        doc = self.a.bulletin(source)
        if doc is None:
            return render.message(f"{source} is no longer indexed.")
        return render.bulletin_html(self.a.bulletin_json(doc), doc.text, [(start, end)])

    # -- Facts ------------------------------------------------------------------------------------
    def _csv(self, stem: str, headers: list[str], rows: list[list[Any]]) -> str:
        folder = Path(tempfile.mkdtemp(dir=self.tmp))
        return str(render.write_csv(folder / f"{stem}.csv", headers, rows))

    def facts(self, partner: str | None, subject: str | None) -> tuple[Any, ...]:
        """The fact table and arrangement records for a partner/subject, with CSV downloads."""
        empty_f = pd.DataFrame([], columns=render.FACT_LABELS)
        empty_a = pd.DataFrame([], columns=[render.column_label(h) for h in render.ARRANGEMENT_PREFERRED])
        facts_fn = getattr(self.a, "facts_json", None)
        arr_fn = getattr(self.a, "arrangements_json", None)
        if facts_fn is None and arr_fn is None:
            msg = render.message("The fact table is not available in this version of the assistant.")
            return msg, empty_f, empty_a, gr.update(value=None), gr.update(value=None)
        try:
            canonical = _resolve_partner(clean_text(partner))
        except ValueError as exc:
            return render.message(str(exc)), empty_f, empty_a, gr.update(value=None), gr.update(value=None)
        subject = clean_text(subject).strip() or None
        facts = list(facts_fn(partner=canonical, subject=subject)) if facts_fn else []
        arrangements = list(arr_fn(partner=canonical)) if arr_fn else []
        f_rows = render.fact_rows(facts)
        shown = render.fact_display_rows(facts)
        a_headers, a_rows = render.record_table(arrangements, render.ARRANGEMENT_PREFERRED)
        a_headers = a_headers or list(render.ARRANGEMENT_PREFERRED)
        a_labels, a_shown = render.record_display(a_headers, a_rows)
        note = f"{len(facts)} facts, {len(arrangements)} arrangement records"
        return (render.message(note, ok=True), pd.DataFrame(shown, columns=render.FACT_LABELS),
                pd.DataFrame(a_shown, columns=a_labels),
                self._csv("facts", render.FACT_HEADERS, f_rows), self._csv("arrangements", a_headers, a_rows))

    def check(self, text: str) -> str:
        """Each figure of a pasted draft with its verdict against the fact table."""
        if getattr(self.a, "check", None) is None:
            return render.message("Checking drafts is not available in this version of the assistant.")
        text = clean_text(text)
        if not text.strip():
            return render.message("Paste a draft to check.")
        try:
            return render.check_html(self._check_json(text))
        except ValueError as exc:  # e.g. a draft over the checker's size limit
            return render.message(str(exc))

    def _check_json(self, text: str) -> dict[str, Any]:
        """``Assistant.check`` as JSON, whether it returns a result object or a dict already."""
        result = self.a.check(text)
        to_json: Callable[[], dict[str, Any]] | None = getattr(result, "to_json", None)
        return to_json() if to_json is not None else dict(result)  # type: ignore[call-overload]

    # -- Bulletins (admin) ------------------------------------------------------------------------
    def unlock(self, password: str, unlocked: bool) -> tuple[Any, ...]:
        """Compare the password on the server; the per-session flag lives in ``gr.State``, not the page."""
        if self.password is None:
            ok = True
        else:
            ok = hmac.compare_digest((password or "").encode(), self.password.encode())
            if not ok:
                time.sleep(0.5)  # slow down guessing
        msg = (render.message("Unlocked.", ok=True) if ok
               else render.message("Wrong password."))
        return ok, gr.update(visible=ok), gr.update(visible=not ok), msg, "", self.bulletin_table(ok)

    def bulletin_table(self, unlocked: bool) -> pd.DataFrame:
        rows = render.bulletin_rows(self.a.bulletin_json(d) for d in self.a.bulletins()) if unlocked else []
        return pd.DataFrame(rows, columns=render.BULLETIN_HEADERS)

    def bulletin_warnings(self, unlocked: bool) -> str:
        """Sentences addressed to software (planted instructions), per bulletin, for the admin to check."""
        return render.addressed_html(self.a.bulletin_json(d) for d in self.a.bulletins()) if unlocked else ""

    def upload(self, files: list[str] | str | None, unlocked: bool) -> tuple[str, pd.DataFrame]:
        """Ingest uploaded bulletins with the CLI's rules; only bytes and a base name reach the service."""
        if not unlocked:
            return render.message("Locked: enter the admin password first."), self.bulletin_table(False)
        paths = [files] if isinstance(files, str) else list(files or [])
        if not paths:
            return render.message("Choose one or more .txt, .md, .html, .pdf or .docx files."), self.bulletin_table(True)
        items = [render.ingest_html(Path(p).name, self.a.ingest_upload_file(Path(p), Path(p).name).to_json())
                 for p in paths]
        return f'<ul id="upload-report">{"".join(items)}</ul>', self.bulletin_table(True)

    def bulletin_choices(self, unlocked: bool) -> Any:
        """The sources the admin may remove (empty while locked)."""
        return gr.update(choices=[d.source for d in self.a.bulletins()] if unlocked else [], value=None)

    def pick_bulletin(self, evt: gr.SelectData) -> str | None:
        """A click on a row of the bulletin list selects that bulletin for removal."""
        row = evt.row_value or []
        return str(row[0]) if row and row[0] else None

    def remove(self, source: str | None, unlocked: bool) -> tuple[str, pd.DataFrame]:
        """Drop one bulletin from the index (``Assistant.delete``, as ``ingest --prune`` does)."""
        if not unlocked:
            return render.message("Locked: enter the admin password first."), self.bulletin_table(False)
        if not source:
            return render.message("Choose a bulletin to remove."), self.bulletin_table(True)
        if not self.a.delete(source):
            return render.message(f"{source} is not indexed; nothing removed."), self.bulletin_table(True)
        n = len(self.a.bulletins())
        return (render.message(f"Removed {source}; {n} bulletin{'s' if n != 1 else ''} indexed.", ok=True),
                self.bulletin_table(True))

    # -- Evaluate ---------------------------------------------------------------------------------
    def _ask_turns(self, turns: list[str]) -> dict[str, Any]:
        return self.a.ask_turns(turns).to_json()

    @property
    def runs_folder(self) -> Path:
        """Where the app keeps its evaluation runs (each one a possible baseline): the data folder."""
        return Path(self.a.settings.home) / "eval-runs"

    def baseline_choices(self) -> Any:
        api = self.evals
        return gr.update(choices=[("none", "")] + (api["saved_runs"](self.runs_folder) if api else []))

    def evaluate(self, set_name: str | None, upload: str | None, minimums: str = "", maximums: str = "",
                 baseline_upload: str | None = None, baseline_run: str | None = None,
                 progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        """Run a gold set with optional thresholds and a baseline; show metrics, the gate, failing questions (every
        turn of a follow-up) and the reports to download. Bad input is answered before anything runs."""
        api = self.evals
        nothing = (None, gr.skip())
        if api is None:
            return render.message("The evaluation harness is not available."), "", *nothing
        source = upload or set_name
        if not source:
            return render.message("Pick a shipped set or upload a .jsonl set."), "", *nothing
        name = Path(str(source)).name
        baseline_path = baseline_upload or baseline_run or None
        try:
            items = api["load_set"](source)
            low, high = api["thresholds"](items, _specs(minimums), _specs(maximums))
            baseline = api["load_item_scores"](baseline_path) if baseline_path else None
        except (api["SetError"], api["ThresholdError"], api["RunFileError"]) as exc:
            text = str(exc)
            for path in (str(source), str(baseline_path or "")):  # an upload's server-side temp path means nothing
                if path and path != Path(path).name:
                    text = text.replace(path, Path(path).name)
            return render.message(text), "", *nothing
        from assistant import EmptyIndexError

        try:
            self.a.require_index()  # as `eval` does: one message, not a run of errors kept as a baseline
        except EmptyIndexError as exc:
            return render.message(str(exc)), "", *nothing
        check_fn = self._check_json if getattr(self.a, "check", None) is not None else None
        progress(0, desc=f"Asking {len(items)} questions")

        def report(done: int, total: int, what: str) -> None:
            progress((done, total), desc=what, unit=what)

        data = api["evaluate"](items, self._ask_turns, check_fn, minimums=low, maximums=high, baseline=baseline,
                               baseline_name=Path(baseline_path).name if baseline_path else None, resamples=200,
                               progress=False, set_name=name, report=report)
        paths = api["save_run"](self.runs_folder, data)
        summary = render.metrics_html(data.get("summary", {}), data.get("counts", {})) + render.gate_html(data)
        files = [str(paths[k]) for k in ("html", "markdown", "json")]
        return summary, render.failures_html(api["failing"](data)), files, self.baseline_choices()

    # -- Conversation kept, feedback, index ---------------------------------------------------------
    def saved(self, sid: str | None, page_sid: str | None = None) -> tuple[Any, ...]:
        """What the browser keeps of the conversation, its export link, and the index footer."""
        session = self._session(page_sid, sid)
        turns = list(session.kept) if session else []
        shown = page_sid or sid
        return turns, render.export_link(shown) if turns and shown else "", self.index_footer()

    def restore(self, turns: Any) -> tuple[Any, ...]:
        """Show a conversation the browser kept (after a reload) in a new server-side conversation, whose id
        the tab keeps; follow-ups resolve against its questions. Nothing kept: no conversation yet (the first
        question makes one), so loading the page never pushes another tab's conversation out."""
        turns = kept(turns)
        if not turns:
            return [], "", render.sources_html(None, {}), None
        sid, session = self._restored(turns)
        panel = render.sources_html(turns[-1], self._texts(turns[-1]), turn=len(turns))
        return list(session.messages), sid, panel, turns[-1]

    def _restored(self, turns: list[dict[str, Any]]) -> tuple[str, ChatSession]:
        """A new conversation holding ``turns`` (what the browser kept), and its id."""
        sid, session = self.sessions.new()
        session.conversation.restore([t["question"] for t in turns])
        for i, turn in enumerate(turns):
            session.messages.append({"role": "user", "content": render.esc(turn["question"])})
            session.messages.append({"role": "assistant", "content": render.answer_bubble(turn)})
            session.answer_at[len(session.messages) - 1] = ([t["question"] for t in turns[:i]], turn)
            session.kept.append(turn)
        session.last = turns[-1] if turns else None
        return sid, session

    def export_markdown(self, sid: str | None) -> str | None:
        """The conversation with its sources as Markdown (None before the first answer, or for an unknown id)."""
        session = self._session(sid)
        if session is None or not session.kept:
            return None
        return to_markdown(session.kept)

    def rate(self, sid: str | None, page_sid: str | None, note: str, data: gr.LikeData) -> str:
        """A thumbs up / down on an answer, stored with the question, answer, citations, verdicts and index."""
        session = self._session(page_sid, sid)
        index = data.index if isinstance(data.index, int) else data.index[0]
        entry = session.answer_at.get(index) if session else None
        if session is None or entry is None:
            return render.message("Only answers can be rated.")
        if data.liked is None or data.liked == "":
            return render.message("Rating withdrawn in the chat; the stored rating is kept.")
        rating = "up" if data.liked is True or data.liked == "Like" else "down"
        history, result = entry
        try:
            fb = self.a.rate(result, rating, clean_text(note), history)
        except ValueError as exc:
            return render.message(str(exc))
        session.feedback_id = fb.id
        noted = " with your note" if fb.note else "; add a note below if you like"
        return render.message(f"Thanks: thumbs {rating} saved{noted}.", ok=True)

    def save_note(self, sid: str | None, page_sid: str | None, note: str) -> tuple[str, Any]:
        """Add a note to the last rating given in this conversation."""
        session = self._session(page_sid, sid)
        if session is None or session.feedback_id is None:
            return render.message("Rate an answer first (thumbs up or down under it), then add a note."), gr.skip()
        try:
            self.a.feedback.annotate(session.feedback_id, clean_text(note))
        except ValueError as exc:
            return render.message(str(exc)), gr.skip()
        return render.message("Note saved with your rating.", ok=True), ""

    def export_feedback(self, unlocked: bool) -> tuple[str, str | None]:
        """Staff: every rating as a gold-set JSONL draft (the eval set format) to download."""
        if not unlocked:
            return render.message("Locked: enter the admin password first."), None
        items = self.a.feedback_draft()
        if not items:
            return render.message("No answers have been rated yet."), None
        folder = Path(tempfile.mkdtemp(dir=self.tmp))
        path = folder / "feedback-draft.jsonl"
        path.write_text(to_jsonl(items), encoding="utf-8")
        up = sum(1 for i in items if "thumbs-up" in i["tags"])
        return render.message(f"{len(items)} draft items ({up} thumbs up, {len(items) - up} thumbs down, tagged "
                              "needs-review).", ok=True), str(path)

    def index_footer(self) -> str:
        return render.index_footer(self.a.index_state().to_json())

    # -- layout -----------------------------------------------------------------------------------
    def build(self) -> gr.Blocks:
        for name, value in GRADIO_ENV_DEFAULTS.items():  # read when the queue is made, at launch or mount
            os.environ.setdefault(name, value)
        with gr.Blocks(title="Customs arrangements assistant") as demo:
            self.footer = gr.HTML(render.index_footer(None), elem_id="index-state", render=False)
            with gr.Row(elem_id="app-header", equal_height=False):
                gr.HTML("<h2 style='margin:0'>Customs arrangements assistant</h2>"
                        "<p class='notice'>Answers from the indexed AEO mutual recognition bulletins, every sentence "
                        "cited, every figure checked against the fact table.</p>", elem_id="app-title", scale=8)
                theme = gr.Button("◐ Light / dark", size="sm", elem_id="theme-toggle", scale=1, min_width=120)
            theme.click(None, js=THEME_TOGGLE_JS)
            with gr.Tabs(elem_id="tabs"):
                with gr.Tab("Ask", id="ask", elem_id="tab-ask"):
                    self._ask_tab(demo)
                with gr.Tab("Search", id="search", elem_id="tab-search"):
                    self._search_tab()
                with gr.Tab("Facts", id="facts", elem_id="tab-facts"):
                    self._facts_tab(demo)
                with gr.Tab("Bulletins", id="bulletins", elem_id="tab-bulletins"):
                    self._bulletins_tab(demo)
                if self.evals is not None:
                    with gr.Tab("Evaluate", id="evaluate", elem_id="tab-evaluate"):
                        self._evaluate_tab(demo)
            self.footer.render()
            demo.load(self.index_footer, outputs=[self.footer], api_visibility="private")
        return demo

    def _ask_tab(self, demo: gr.Blocks) -> None:
        # The tab's conversation is kept on the server (ui.sessions) under an id the tab holds in ``sid``;
        # a Gradio API caller's id is kept in its ``gr.State`` instead.
        session = gr.State(None)
        sid = gr.Textbox("", visible=False, elem_id="ask-session")
        # The conversation survives a reload: the browser keeps its turns (encrypted by the server, per browser).
        saved = gr.BrowserState([], storage_key="customs-assistant-conversation")
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(elem_id="ask-chat", label="Conversation", show_label=False, height=460,
                                  render_markdown=False, buttons=["copy", "copy_all"],
                                  feedback_options=("Like", "Dislike"), placeholder="Ask about customs arrangements: "
                                  "answers quote the bulletins, with numbered sources.")
                self.chat = chat
                with gr.Row():
                    box = gr.Textbox(elem_id="ask-question", label="Your question", show_label=False, scale=5,
                                     autofocus=True, max_length=None,
                                     placeholder="e.g. When did China and Serbia sign their AEO arrangement?")
                    send = gr.Button("Ask", variant="primary", elem_id="ask-button", scale=1)
                gr.Examples(EXAMPLES, inputs=[box], label="Try one of these", elem_id="ask-examples")
                with gr.Row():
                    new = gr.Button("New conversation", elem_id="ask-reset", size="sm")
                    export = gr.HTML("", elem_id="ask-export")
                with gr.Row():
                    note = gr.Textbox(label="Note on your rating (optional)", elem_id="feedback-note", scale=4,
                                      placeholder="Rate an answer with the thumbs under it; say what was wrong here")
                    save_note = gr.Button("Save note", size="sm", elem_id="feedback-save", scale=1)
                rated = gr.HTML(elem_id="feedback-message")
            with gr.Column(scale=2):
                sources = gr.HTML(render.sources_html(None, {}), elem_id="ask-sources")
                with gr.Accordion("Answer JSON", open=False):
                    raw = gr.JSON(elem_id="ask-json")
        # The page asks through POST /ui/ask (ui.page), outside Gradio's queue: a queued event cost the server
        # about four times the answer itself (session set-up, postprocessing, the SSE stream).
        shown = [box, chat, sid, sources, raw, saved, export, self.footer]
        gr.on([send.click, box.submit], None, inputs=shown, outputs=shown, js=page.ASK_JS,
              api_visibility="private")
        # Gradio's /ask endpoint for gradio_client and other tools, with no control on the page.
        api_ask = gr.Button(visible=False)
        api_ask.click(self.ask, inputs=[box, session], outputs=[box, chat, session, sources, raw], api_name="ask",
                      concurrency_limit=self.parallel)
        keep = {"fn": self.saved, "inputs": [session, sid], "outputs": [saved, export, self.footer],
                "api_visibility": "private"}
        new.click(self.reset, inputs=[session, sid], outputs=[chat, session, sources, raw], api_name="reset").then(**keep)
        chat.clear(self.reset, inputs=[session, sid], outputs=[chat, session, sources, raw],
                   api_visibility="private").then(**keep)
        demo.load(self.restore, inputs=[saved], outputs=[chat, sid, sources, raw], api_visibility="private").then(**keep)
        chat.like(self.rate, inputs=[session, sid, note], outputs=[rated], api_visibility="private")
        save_note.click(self.save_note, inputs=[session, sid, note], outputs=[rated, note], api_name="feedback_note")

    def _search_tab(self) -> None:
        with gr.Row():
            query = gr.Textbox(label="Search the bulletins", elem_id="search-query", scale=4)
            partner = gr.Dropdown(_partner_choices(), value="", label="Partner", elem_id="search-partner", scale=2,
                                  allow_custom_value=True)  # aliases and misspellings (Macau, UAE) resolve like the CLI
            since = gr.Textbox(label="From (YYYY-MM-DD)", elem_id="search-since", scale=1)
            until = gr.Textbox(label="To (YYYY-MM-DD)", elem_id="search-until", scale=1)
        go = gr.Button("Search", variant="primary", elem_id="search-button")
        note = gr.HTML(elem_id="search-message")
        with gr.Row():
            with gr.Column(scale=1):
                results = gr.HTML(elem_id="search-results", js_on_load=SEARCH_HIT_JS)
            with gr.Column(scale=1):
                # custom values allowed so API callers can open a hit by value; open_hit validates it anyway
                pick = gr.Dropdown([], label="Open bulletin at passage", elem_id="search-open",
                                   allow_custom_value=True)
                viewer = gr.HTML(elem_id="search-bulletin", js_on_load=(
                    "watch('value', () => { const m = element.querySelector('#bulletin-hit'); "
                    "if (m) m.scrollIntoView({block: 'center'}); });"))
        gr.on([go.click, query.submit], self.search, inputs=[query, partner, since, until],
              outputs=[note, results, pick, viewer], api_name="search", concurrency_limit=self.parallel)
        pick.input(self.open_hit, inputs=[pick], outputs=[viewer], api_name="open_bulletin",
                   concurrency_limit=self.parallel)
        results.click(self.open_clicked_hit, outputs=[viewer, pick], api_visibility="private",
                      concurrency_limit=self.parallel)

    def _facts_tab(self, demo: gr.Blocks) -> None:
        with gr.Row():
            partner = gr.Dropdown(_partner_choices(), value="", label="Partner", elem_id="facts-partner",
                                  allow_custom_value=True)
            subject = gr.Textbox(label="Subject", placeholder="e.g. trade value", elem_id="facts-subject")
            show = gr.Button("Show", variant="primary", elem_id="facts-button")
        note = gr.HTML(elem_id="facts-message")
        gr.Markdown("#### Fact table")
        facts = gr.Dataframe(headers=render.FACT_LABELS, interactive=False, wrap=True, elem_id="facts-table",
                             column_widths=FACT_WIDTHS, max_height=420)
        facts_csv = gr.DownloadButton("Download facts CSV", elem_id="facts-download", size="sm")
        gr.Markdown("#### Arrangement records")
        arrs = gr.Dataframe(headers=[render.column_label(h) for h in render.ARRANGEMENT_PREFERRED], interactive=False,
                            wrap=True, column_widths=ARRANGEMENT_WIDTHS,
                            elem_id="arrangements-table", max_height=420)
        arrs_csv = gr.DownloadButton("Download arrangements CSV", elem_id="arrangements-download", size="sm")
        gr.Markdown("#### Check a draft")
        draft = gr.Textbox(lines=4, label="Paste a draft: every figure is checked against the fact table",
                           elem_id="check-text")
        check = gr.Button("Check figures", elem_id="check-button")
        verdicts = gr.HTML(elem_id="check-result")
        outputs = [note, facts, arrs, facts_csv, arrs_csv]
        gr.on([show.click, subject.submit], self.facts, inputs=[partner, subject], outputs=outputs, api_name="facts",
              concurrency_limit=self.parallel)
        demo.load(self.facts, inputs=[partner, subject], outputs=outputs, api_visibility="private")
        check.click(self.check, inputs=[draft], outputs=[verdicts], api_name="check", concurrency_limit=self.parallel)

    def _bulletins_tab(self, demo: gr.Blocks) -> None:
        unlocked = gr.State(self.password is None)
        with gr.Group(visible=self.password is not None, elem_id="admin-login") as login:
            pw = gr.Textbox(type="password", label="Admin password", elem_id="admin-password")
            go = gr.Button("Unlock", elem_id="admin-unlock")
        note = gr.HTML(elem_id="admin-message")
        with gr.Column(visible=self.password is None, elem_id="admin-panel") as panel:
            # No file_types filter: Gradio's own check showed a toast *and* an "Error" badge for one .pdf and left
            # the box stuck; the server rejects it once, with the reason, in the upload report (as `ingest` does).
            files = gr.File(file_count="multiple", type="filepath",
                            label=f"Upload bulletins (.txt, .md, .html, .pdf, .docx; at most {self.a.settings.max_file_bytes:,} bytes)",
                            elem_id="upload-files")
            ingest = gr.Button("Ingest", variant="primary", elem_id="upload-button")
            report = gr.HTML(elem_id="upload-result")
            gr.Markdown("#### Indexed bulletins")
            table = gr.Dataframe(headers=render.BULLETIN_HEADERS, interactive=False, wrap=True,
                                 elem_id="bulletins-table",
                                 column_widths=["17%", "36%", "13%", "13%", "6%", "8%", "7%"])
            refresh = gr.Button("Refresh list", size="sm", elem_id="bulletins-refresh")
            with gr.Row():
                doomed = gr.Dropdown(choices=[], value=None, label="Bulletin to remove (or click its row)",
                                     elem_id="remove-source")
                remove = gr.Button("Remove selected bulletin", variant="stop", size="sm", elem_id="remove-button")
            removed = gr.HTML(elem_id="remove-result")
            warnings = gr.HTML(elem_id="bulletins-warnings")
            gr.Markdown("#### Feedback on answers")
            with gr.Row():
                fb_export = gr.Button("Export ratings as a gold-set draft (JSONL)", size="sm", elem_id="feedback-export")
                fb_file = gr.File(label="Gold-set draft", elem_id="feedback-file", interactive=False)
            fb_note = gr.HTML(elem_id="feedback-export-message")
        gr.on([go.click, pw.submit], self.unlock, inputs=[pw, unlocked], outputs=[unlocked, panel, login, note, pw, table],
              api_name="unlock")
        ingest.click(self.upload, inputs=[files, unlocked], outputs=[report, table], api_name="upload").then(
            self.index_footer, outputs=[self.footer], api_visibility="private")
        refresh.click(self.bulletin_table, inputs=[unlocked], outputs=[table], api_name="bulletins")
        remove.click(self.remove, inputs=[doomed, unlocked], outputs=[removed, table], api_name="remove").then(
            self.index_footer, outputs=[self.footer], api_visibility="private")
        table.select(self.pick_bulletin, outputs=[doomed], api_visibility="private")
        table.change(self.bulletin_choices, inputs=[unlocked], outputs=[doomed], api_visibility="private")
        fb_export.click(self.export_feedback, inputs=[unlocked], outputs=[fb_note, fb_file], api_name="feedback_export")
        demo.load(self.bulletin_table, inputs=[unlocked], outputs=[table], api_visibility="private")
        # Whatever refreshed the list (unlock, upload, refresh, page load) refreshes its warnings too.
        table.change(self.bulletin_warnings, inputs=[unlocked], outputs=[warnings], api_visibility="private")

    def _evaluate_tab(self, demo: gr.Blocks) -> None:
        assert self.evals is not None
        sets = list(self.evals["shipped_sets"]())
        with gr.Row():
            pick = gr.Dropdown(sets, value=sets[0] if sets else None, label="Shipped test set", elem_id="eval-set")
            upload = gr.File(file_types=[".jsonl"], type="filepath", label="…or upload a JSONL set",
                             elem_id="eval-upload")
        with gr.Row():
            minimums = gr.Textbox(label="Minimums (METRIC=VALUE …)", placeholder="pass_rate=0.9 hit@5=0.9",
                                  elem_id="eval-min")
            maximums = gr.Textbox(label="Maximums (METRIC=VALUE …)", placeholder="latency_p95_ms=3000",
                                  elem_id="eval-max")
        with gr.Row():
            baseline_run = gr.Dropdown([("none", "")], value="", label="Baseline: an earlier run of this app",
                                       elem_id="eval-baseline-run")
            baseline_upload = gr.File(file_types=[".json"], type="filepath", label="…or upload a run.json",
                                      elem_id="eval-baseline")
        run = gr.Button("Run evaluation", variant="primary", elem_id="eval-run")
        summary = gr.HTML(elem_id="eval-summary")
        failures = gr.HTML(elem_id="eval-failures")
        reports = gr.File(label="Reports (report.html, report.md, run.json)", file_count="multiple",
                          interactive=False, elem_id="eval-reports")
        run.click(self.evaluate, inputs=[pick, upload, minimums, maximums, baseline_upload, baseline_run],
                  outputs=[summary, failures, reports, baseline_run], api_name="evaluate")
        demo.load(self.baseline_choices, outputs=[baseline_run], api_visibility="private")


# A click or Enter on a search result opens its bulletin at that passage (``App.open_clicked_hit``).
SEARCH_HIT_JS = """
const open = (event) => {
  const hit = event.target.closest && event.target.closest('.search-hit[data-hit]');
  if (!hit) return;
  if (event.type === 'keydown') { if (event.key !== 'Enter' && event.key !== ' ') return; event.preventDefault(); }
  trigger('click', {hit: hit.dataset.hit});
};
element.addEventListener('click', open);
element.addEventListener('keydown', open);
"""


def _specs(text: str | None) -> list[str]:
    """Threshold boxes as ``METRIC=VALUE`` items (separated by spaces, commas or new lines)."""
    return [t for t in rx(r"[\s,;]+").split(clean_text(text)) if t]


# Gradio re-summarises its last 10,000 events in a pandas DataFrame after every event, for a monitoring page
# this app does not show: 3 ms per event after 200 events, 10 ms after 10,000 (the server's uptime), some 10%
# of the server's work per page answer under 50 users. Every 1,000 events over the last 1,000 instead; a
# user's own setting wins.
GRADIO_ENV_DEFAULTS = {"GRADIO_ANALYTICS_CACHE_FREQUENCY": "1000", "GRADIO_ANALYTICS_MAX_EVENTS": "1000"}


# Light unless the reader chose dark: Gradio would otherwise follow the OS setting on its own. The choice is
# remembered in localStorage and passed to Gradio as its ``__theme`` URL parameter before the page mounts.
THEME_KEY = "customs-assistant-theme"
THEME_HEAD = f"""<script>
(() => {{
  const url = new URL(window.location.href);
  let choice = url.searchParams.get("__theme");
  if (choice !== "dark" && choice !== "light") {{
    try {{ choice = window.localStorage.getItem("{THEME_KEY}"); }} catch (e) {{}}
    choice = choice === "dark" ? "dark" : "light";
    url.searchParams.set("__theme", choice);
    window.history.replaceState(window.history.state, "", url);
  }}
  // Gradio may already have applied the OS setting when this runs, and re-applies it when the OS changes.
  const apply = () => document.body && document.body.classList.toggle("dark", choice === "dark");
  apply();
  window.addEventListener("DOMContentLoaded", apply);
  window.addEventListener("load", apply);
  window.matchMedia?.("(prefers-color-scheme: dark)")?.addEventListener("change", () => setTimeout(apply, 0));
  window.__caTheme = (value) => {{ choice = value; apply(); }};
}})();
{render.CITE_JS}
</script>"""
THEME_TOGGLE_JS = f"""() => {{
  const dark = !document.body.classList.contains("dark");
  if (window.__caTheme) window.__caTheme(dark ? "dark" : "light"); else document.body.classList.toggle("dark", dark);
  try {{ window.localStorage.setItem("{THEME_KEY}", dark ? "dark" : "light"); }} catch (e) {{}}
  const url = new URL(window.location.href);
  url.searchParams.set("__theme", dark ? "dark" : "light");
  window.history.replaceState(window.history.state, "", url);
}}"""


def mount_options(assistant: Assistant) -> dict[str, Any]:
    """What ``gr.mount_gradio_app`` needs in Gradio 6 (CSS and head moved there) plus the upload size cap."""
    return {"css": render.CSS, "head": THEME_HEAD, "max_file_size": assistant.settings.max_file_bytes,
            "footer_links": ["api"]}


def _no_proxy_for(host: str) -> None:
    """Keep Gradio's requests to its own server off any HTTP proxy set in the environment.

    At start-up Gradio fetches its own ``startup-events`` URL with httpx, which honours HTTP(S)_PROXY;
    through a proxy that request fails and the server stops right after "Running on local URL".
    """
    local = ["127.0.0.1", "localhost", "::1", host]
    for name in ("NO_PROXY", "no_proxy"):
        have = [h.strip() for h in os.environ.get(name, "").split(",") if h.strip()]
        os.environ[name] = ",".join(have + [h for h in local if h not in have])


def serve(assistant: Assistant, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Start the web app and block until interrupted (``customs-assistant serve``)."""
    check_port(host, port)
    _no_proxy_for(host)
    # Mounted, not launched: our CORS policy instead of Gradio's, and the page's own routes (ui/server.py).
    run_server(web_app(App(assistant), mount_options(assistant)), host, port)
