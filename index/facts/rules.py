"""How bulletins name the steps of an arrangement's life, as data in one place (tests/test_rules.py exercises
each entry). A date takes the role of the cue nearest to it in its clause; an object noun (an action plan,
talks, an amendment, a suspension) names what was signed or set, so it outranks the verb.

Roles, in life-cycle order: talks, action_plan, sign, ratify, pilot, in_force, extend, amend, suspend, resume,
terminate, correct; announce is the bulletin reporting it.
"""

from __future__ import annotations

import re

# Verbs and phrases that give a date its role (regular-expression fragments). On a tie the role listed first
# wins, so the specific steps come before entry into force and signing ("terminated with effect from").
ROLE_CUES: dict[str, list[str]] = {
    "ratify": [r"\bratif\w*", r"\bapproved by (?:the )?(?:parliament|president|cabinet|legislature)"],
    # "one pilot crossing", "the pilot port": a place named for the pilot, not the pilot itself
    "pilot": [r"\bpilot\w*(?!\s+(?:crossings?|sites?|ports?|locations?|offices?|stations?)\b)", r"\btrial\b",
              r"\btest(?:ing)? phase\b"],
    "extend": [r"\bextend\w*", r"\bextension\b", r"\bexpand\w*", r"\bwiden\w*", r"\badded\b", r"\bnewly covered\b"],
    "amend": [r"\bamend\w*", r"\brevis(?:ed|ion)\b", r"\bupgrad\w*"],
    "suspend": [r"\bsuspen\w*", r"\bpaus\w*", r"\bhalt\w*", r"\b(?:put|placed|kept|remains?) on hold\b",
                r"\bfro(?:ze|zen)\b"],
    "resume": [r"\bresum\w*", r"\breinstat\w*", r"\brestor\w*",
               r"\bsuspension\b[^.;]{0,60}?\b(?:will |shall |would |is to |to )?(?:end|be lifted|expire)\w*",
               r"\bend of (?:the )?suspension", r"\blift\w*"],
    "terminate": [r"\btermin\w*", r"\bceas(?:e[sd]?|ing) to (?:apply|have effect|be in force)", r"\bexpir\w*",
                  r"\bwithdr[ae]w\w*", r"\brevok\w*", r"\bstop(?:s|ped)? (?:applying|having effect)", r"\brepeal\w*",
                  r"\bno longer (?:applies|apply|in force|have effect)"],
    "correct": [r"\bcorrect(?:s|ed|ion)?\b", r"\berratum\b", r"\bshould read\b", r"\bin error\b"],
    "talks": [r"\bnegotiat\w*", r"\btalks\b", r"\bround of\b", r"\bconsultations?\b"],
    "action_plan": [r"\baction plan\b", r"\broad ?map\b", r"\bwork plan\b", r"\bjoint work programme\b"],
    "announce": [r"\bannounc\w*", r"\blearn(?:ed|t)\b", r"\breport(?:ed|s)?\b", r"\bpublish\w*", r"\breleas(?:ed|es)\b",
                 r"\bissued\b", r"\bstated\b", r"\bsaid\b", r"\bdisclosed\b", r"\bunveiled\b", r"\bdated\b",
                 r"\binforms?\b", r"\bnotif\w*"],
    "in_force": [
        r"enter(?:s|ed|ing)? into (?:force|effect)", r"entry into (?:force|effect)", r"c[oa]me?s? into (?:force|effect)",
        r"tak(?:e|es|en|ing) effect", r"took effect", r"(?:put|brought) into (?:effect|force|operation)",
        r"in (?:force|effect|operation) (?:since|from|as of)", r"\beffective(?: from| on| as of)?",
        r"with effect from", r"(?:be|been|being|was|were|is|are|fully) (?:implemented|applied|operational)",
        r"implement(?:ed|s|ing)? (?:from|on|since|as of|with effect)",
        r"implementation (?:\w+ )?(?:from|on|date|since|as of)",
        r"implementation of (?:[\w–-]+ ){1,8}?(?:from|since|as of)",
        r"appl(?:y|ies|ied|ying) (?:from|since|as of|on)", r"applicable (?:from|since|as of)",
        r"(?:begin|began|begun|begins|start(?:s|ed)?) (?:to )?apply(?:ing)?", r"operational (?:from|since|as of)",
        r"became effective", r"in force", r"applied from", r"applied since", r"has applied",
        r"in application (?:from|since|as of)", r"(?:becomes?|became) operational",
        r"from today", r"as of today", r"receive facilitation", r"will be granted",
    ],
    "sign": [r"\bsign(?:s|ed|ing|ature)?\b", r"\bconclud(?:e|ed|es|ing)\b", r"\binked\b", r"\badopted\b",
             r"\bdecision\b"],
}
# Words that open a clause with the day something starts to apply ("From 4 May 2024: lower inspection rates",
# "Since 1 March, ACEs …"): with no cue of its own such a date is when what the clause describes began to apply.
START_LEADS = [r"from", r"since", r"as from", r"as of", r"starting(?: on| from)?", r"beginning(?: on)?",
               r"with effect from", r"effective(?: from| on| as of)?"]
# Nouns naming what the clause is about: when present they decide the role whatever the verb.
ROLE_OBJECTS: dict[str, list[str]] = {
    "action_plan": ROLE_CUES["action_plan"],
    "talks": [r"\bnegotiations?\b", r"\btalks\b", r"\bround of\b"],
    "amend": [r"\bamendment\b", r"\bupgrade\b"],
    "suspend": [r"\bsuspension\b"],
    "terminate": [r"\btermination\b"],
    "ratify": [r"\bratification\b"],
    "pilot": [r"\bpilot\b"],
    "extend": [r"\bextension\b", r"\bextended to\b", r"\bnewly covered\b", r"\badded\b"],
}
# Life-cycle roles that are arrangement events (announce is the bulletin, not the arrangement).
LIFECYCLE = ("talks", "action_plan", "sign", "ratify", "pilot", "in_force", "extend", "amend", "suspend", "resume",
             "terminate", "correct")
# Roles that mean no arrangement exists yet: a plan or talks give no facilitation.
NOT_AN_ARRANGEMENT = ("talks", "action_plan")
# Status words in table cells and notes ("Signed; not yet implemented", "SUSPENDED since …").
STATUS_WORDS: dict[str, list[str]] = {
    "not_in_force": [r"not yet (?:implemented|in force|applied)", r"to be announced", r"not (?:been )?announced",
                     r"implementation date not", r"to be agreed", r"date not (?:set|given|announced)",
                     r"pending", r"no facilitation (?:yet|until)"],
    "no_arrangement": [r"no arrangement", r"not an? (?:mutual recognition )?arrangement", r"only an? action plan",
                       r"action plan only"],
}


def compile_roles(table: dict[str, list[str]]) -> list[tuple[str, re.Pattern[str]]]:
    """One case-insensitive pattern per role, in the table's order."""
    return [(role, re.compile("|".join(f"(?:{p})" for p in parts), re.I)) for role, parts in table.items()]

# A table row whose label says only how the row above changed ("Change compared with 2023 | up 11.4%",
# "Growth on the previous year"): its figure measures the row above's subject.
CHANGE_WORDS = ["change", "changed", "growth", "grew", "increase", "decrease", "rise", "fall", "decline", "compared",
                "comparison", "versus", "year-on-year", "yoy", "previous", "prior", "year", "annual", "percent",
                "percentage"]
# Words before a year that make it the base a change is measured from or the day a stock is counted at, not the
# period a row's figure covers ("compared with 2023", "end of 2024").
CHANGE_BASE = [r"compared (?:with|to)", r"than", r"on", r"over", r"from", r"vs\.?", r"versus", r"relative to"]
NOT_A_PERIOD = [*CHANGE_BASE, r"since", r"end of", r"as (?:of|at)", r"by", r"before", r"after"]
# What introduces a list of what AEOs get ("facilitation measures:", "What exporters receive", "will enjoy …").
BENEFIT_INTRO = [r"\bfacilitation\b", r"\bmeasures?\b", r"\bbenefits?\b", r"\badvantages?\b", r"\bconveniences?\b",
                 r"\btreatment\b", r"\breceive\b", r"\benjoy\b", r"\bget\b", r"\bbe granted\b", r"\bare granted\b",
                 r"\bbenefit from\b", r"\bprivileges?\b"]
# Words a facilitation measure is made of: an item with none of them is not a measure (a code, a date, a name).
MEASURE_WORDS = [r"inspect\w*", r"examin\w*", r"document\w*", r"audit\w*", r"priorit\w*", r"liaison", r"contact",
                 r"clearance", r"release", r"\brates?\b", r"lower", r"reduced?", r"fewer", r"faster", r"simplif\w*",
                 r"guarantee\w*", r"recogni\w*", r"validation", r"checks?", r"officers?", r"resum\w*", r"disruption",
                 r"interruption", r"continuity", r"exchange", r"e-commerce", r"green (?:lane|channel)", r"waiv\w*"]
