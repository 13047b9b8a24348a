"""Word lists the reading layer uses, in one place as data (each is exercised by tests/test_rules.py).

They name how bulletins write dates and label them, never what a particular bulletin says.
"""

from __future__ import annotations

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

# Days written as ordinal words ("the first of June", "June twenty-first").
_ORDINAL_WORDS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
                  "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
                  "eighteenth", "nineteenth", "twentieth"]
ORDINAL_DAYS: dict[str, int] = {w: i for i, w in enumerate(_ORDINAL_WORDS, 1)}
ORDINAL_DAYS.update({f"twenty-{w}": 20 + i for i, w in enumerate(_ORDINAL_WORDS[:9], 1)})
ORDINAL_DAYS.update({"thirtieth": 30, "thirty-first": 31})

WEEKDAYS: dict[str, int] = {"Monday": 0, "Tuesday": 1, "Wednesday": 2, "Thursday": 3, "Friday": 4, "Saturday": 5,
                            "Sunday": 6}
# Days a news text names relative to its own date ("signed yesterday", "takes effect today"), as day offsets.
RELATIVE_DAYS: dict[str, int] = {"today": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2,
                                 "the day after tomorrow": 2}

# Labels under which a page gives its own date (regular-expression fragments, matched case-insensitively).
DATE_LABELS: list[str] = [
    r"date of (?:issue|publication|release)", r"publication date", r"release date", r"announcement date",
    r"issue date", r"published(?: on)?", r"posted(?: on)?", r"issued(?: on)?", r"released(?: on)?",
    r"(?:page )?(?:last )?(?:revised|updated|modified)(?: on)?", r"date",
]

# Sentences addressed to an assistant or a reader's software rather than to traders: bulletin text is data,
# never instruction, so such a sentence is never quoted as an answer nor used to support a claim.
INSTRUCTION_CUES: list[str] = [
    r"\bignore (?:all |any )?(?:the )?(?:previous|prior|above|earlier|preceding) (?:instructions?|prompts?|text)",
    r"\bdisregard (?:all |any )?(?:the )?(?:previous|prior|above) ",
    r"\b(?:system|developer) (?:note|prompt|message|instruction)s?\b",
    r"\b(?:note|instructions?|message) (?:to|for) (?:the |any )?(?:assistant|ai|model|chatbot|llm|language model)\b",
    r"\b(?:you are|as) (?:an? )?(?:ai|assistant|language model|chatbot)\b",
    r"\b(?:assistant|ai|chatbot|model)s?\s*(?:must|should|shall|will)\s+(?:say|answer|reply|state|respond|report)\b",
    r"^\s*(?:say|answer|reply|respond|tell the user)\s+(?:that|with)\b",
    r"\bprompt injection\b|\bjailbreak\b",
]
