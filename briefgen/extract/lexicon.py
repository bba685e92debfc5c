"""Word lists the extractors share: speech cues, hedges, modality, risk cues.

General English news vocabulary, never one article's wording. Lemmas are lower case.
"""

from __future__ import annotations

# Verbs that introduce what someone said, wrote or reported (lemmas).
SPEECH_VERBS = frozenset(
    """
    say tell state declare announce add note warn urge claim argue insist assert explain
    elaborate reply respond answer write tweet post report indicate posit allege acknowledge
    admit deny confirm express voice describe label caution stress emphasize emphasise
    suggest predict promise pledge vow threaten accuse praise laud criticize criticise slam
    castigate condemn ask question recall reveal disclose estimate testify complain concede
    maintain contend remark observe comment mention point repeat reiterate announce brief
    tell inform assure predict forecast signal hint agree counter retort quip joke boast
    proclaim decry denounce dismiss reject blame charge demand call believe think continue
    """.split()
)

# Speech verbs that only introduce speech with a clausal complement or a quote
# (not when used with a plain object: "call a meeting", "think").
WEAK_SPEECH_VERBS = frozenset({"call", "believe", "think", "agree", "add", "continue"})

# Reporting verbs whose subject is a *source* of the claim rather than its actor.
REPORT_VERBS = frozenset(
    """
    report say tell indicate posit allege claim state announce confirm reveal disclose
    write note add cite suggest find show
    """.split()
)

# Multi-word cues: the first lemma and the particle ("point out").
PHRASAL_SPEECH = {("point", "out"), ("lay", "out"), ("spell", "out"), ("go", "on")}

# Prepositional attributions: "according to X", "as per X", "citing X".
ATTRIBUTION_PREPS = ("according to", "as per", "per", "citing", "quoting")

# Hedges: words that mark a claim as not established (lower case surface forms or lemmas).
HEDGE_ADVERBS = frozenset(
    """
    reportedly allegedly purportedly apparently possibly probably seemingly supposedly
    ostensibly perhaps maybe presumably rumoredly rumouredly likely
    """.split()
)
HEDGE_ADJECTIVES = frozenset(
    {
        "purported",
        "alleged",
        "possible",
        "unconfirmed",
        "rumored",
        "rumoured",
        "suspected",
        "apparent",
        "potential",
        "planned",
    }
)
# Verbs whose negation or "yet to" marks a claim as unconfirmed.
CONFIRM_VERBS = frozenset({"confirm", "verify", "corroborate", "acknowledge", "comment"})

# Verbs of intention / planning / scheduling: the complement is a future event.
FUTURE_VERBS = frozenset(
    """
    intend plan aim seek hope expect prepare schedule propose threaten vow pledge promise
    poise set want wish consider mull weigh
    """.split()
)

# A main clause with one of these modals states a possibility, not an event.
HYPOTHETICAL_MODALS = frozenset({"would", "could", "may", "might", "should", "'d", "’d"})
# "plans to", "intends to", "expects to", "aims to": an intention, not an event.
INTENTION_VERBS = frozenset({"plan", "intend", "expect", "aim", "hope", "propose", "seek"})
# "is expected to", "is due to", "is likely to", "is set to": a forecast, not an event.
FORECAST_WORDS = frozenset({"expected", "due", "likely", "unlikely", "set", "poised", "slated"})

# Control verbs whose complement carries the real event ("tried to procure").
CONTROL_VERBS = FUTURE_VERBS | frozenset(
    {
        "try",
        "attempt",
        "decide",
        "agree",
        "continue",
        "begin",
        "start",
        "fail",
        "refuse",
        "manage",
        "move",
        "go",
        "need",
        "have",
        "offer",
        "ask",
        "urge",
        "help",
    }
)

MODALS = frozenset(
    {
        "will",
        "would",
        "could",
        "may",
        "might",
        "can",
        "shall",
        "should",
        "must",
        "'ll",
        "’ll",
        "wo",
        "ca",
    }
)

# ICD 203 likelihood read from the source's own modality, strongest first.
# (cue, likelihood): matched against lower-cased lemmas/words of the clause.
MODALITY_LIKELIHOOD: tuple[tuple[str, str], ...] = (
    ("almost certainly", "almost certain"),
    ("almost certain", "almost certain"),
    ("virtually certain", "almost certain"),
    ("certainly", "almost certain"),
    ("no chance", "almost no chance"),
    ("highly unlikely", "very unlikely"),
    ("very unlikely", "very unlikely"),
    ("highly improbable", "very unlikely"),
    ("unlikely", "unlikely"),
    ("improbable", "unlikely"),
    ("even chance", "roughly even chance"),
    ("very likely", "very likely"),
    ("highly likely", "very likely"),
    ("most likely", "very likely"),
    ("probably", "likely"),
    ("probable", "likely"),
    ("likely", "likely"),
)
#: Modal words that make a claim a possibility, an intention or a fear without saying how
#: likely it is: the risk keeps the word and the brief says "likelihood not stated".
UNSTATED_MODALITY: tuple[str, ...] = (
    "will",
    "would",
    "could",
    "may",
    "might",
    "can",
    "expected",
    "poised",
    "set to",
    "plan",
    "intend",
    "possibility",
    "consider",
    "possible",
    "risk",
    "threaten",
    "fear",
    "concern",
    "worry",
    "warn",
)

LIKELIHOOD_ORDER = (
    "almost no chance",
    "very unlikely",
    "unlikely",
    "roughly even chance",
    "likely",
    "very likely",
    "almost certain",
)

# Risk categories with their cue lemmas / lower-case phrases.
RISK_CATEGORIES: dict[str, tuple[str, ...]] = {
    "WMD/nuclear": (
        "nuclear",
        "ballistic",
        "icbm",
        "warhead",
        "uranium",
        "plutonium",
        "enrichment",
        "chemical weapon",
        "biological weapon",
        "radiological",
        "wmd",
    ),
    "military escalation": (
        "escalate",
        "escalation",
        "invasion",
        "invade",
        "attack",
        "strike",
        "offensive",
        "war",
        "conflict",
        "hostility",
        "provoke",
        "provocation",
        "confrontation",
        "troop",
        "military drill",
        "military exercise",
        "joint drill",
        "drill",
        "missile",
        "artillery",
        "weapon",
        "weaponry",
        "arms",
        "rocket",
        "shell",
        "drone",
        "bomb",
        "airstrike",
        "mobilize",
        "deploy",
        "deployment",
        "military cooperation",
        "military presence",
        "military success",
        "war effort",
        "combat",
    ),
    "sanctions or legal breach": (
        "breach",
        "violate",
        "violation",
        "sanction",
        "resolution",
        "illegal",
        "unlawful",
        "embargo",
        "prohibit",
        "international law",
        "treaty",
        "indict",
        "prosecute",
        "export control",
    ),
    "diplomatic": (
        "diplomatic",
        "diplomacy",
        "tie",
        "relation",
        "envoy",
        "ambassador",
        "summit",
        "condemn",
        "expel",
        "rebuke",
        "isolation",
        "alliance",
        "rift",
        "tension",
        "negotiation",
        "talk",
    ),
    "economic": (
        "economy",
        "economic",
        "trade",
        "tariff",
        "price",
        "inflation",
        "market",
        "export",
        "import",
        "gdp",
        "recession",
        "supply chain",
        "investment",
        "currency",
        "debt",
        "oil",
        "gas",
        "energy",
        "premium",
        "insurance",
        "insurer",
        "shipping",
        "freight",
        "cost",
    ),
    "humanitarian": (
        "civilian",
        "casualty",
        "refugee",
        "famine",
        "displace",
        "humanitarian",
        "starvation",
        "death",
        "kill",
        "injure",
        "hunger",
        "aid",
    ),
    "domestic political": (
        "election",
        "protest",
        "unrest",
        "opposition",
        "coup",
        "impeach",
        "court",
        "ruling",
        "autonomy",
        "objection",
        "parliament",
        "referendum",
        "scandal",
        "governor",
        "campaign",
        "voter",
        "poll",
    ),
}

RISK_IMPACT = {
    "WMD/nuclear": "high",
    "military escalation": "high",
    "sanctions or legal breach": "medium",
    "humanitarian": "high",
    "diplomatic": "medium",
    "economic": "medium",
    "domestic political": "low",
}

# Verbs of an adverse outcome: a clause headed by one, under some modality, is a risk.
ADVERSE_VERBS = frozenset(
    """
    breach violate provoke escalate jeopardize jeopardise threaten undermine destabilize
    destabilise worsen harm damage endanger imperil trigger spark prolong intensify attack
    strike invade kill destroy disrupt retaliate collapse default spread fuel erode weaken
    halt suspend delay
    """.split()
)
# Verbs that are adverse when what they act on is a cost ("raise war-risk premiums").
COST_VERBS = frozenset("raise increase hike double triple lift push".split())
COST_NOUNS = frozenset(
    "premium price cost rate tariff fee tax charge fare rent bill surcharge".split()
)
# Verbs that are adverse only when what they act on is military ("enhance military successes").
AMPLIFY_VERBS = frozenset("enhance strengthen bolster boost expand increase aid help".split())
# Transfers that are a risk when what moves is weapons or military technology.
TRANSFER_VERBS = frozenset(
    "supply provide deliver transfer sell obtain acquire procure send ship export buy".split()
)
MILITARY_OBJECTS = frozenset(
    """
    weapon weaponry arms missile shell artillery munition ammunition drone rocket military
    nuclear submarine warhead tank fighter jet troop soldier satellite technology
    """.split()
)
# Frames that voice a risk: "concerned that X", "warned that X".
CONCERN_WORDS = frozenset("concern concerned worry worried fear warn caution alarm".split())
# Generic nouns that stand for the preceding event ("…, a move that could …").
GENERIC_ANTECEDENTS = frozenset("move step development decision action measure act".split())

# Words that make a clause risk-bearing: an adverse outcome or a warning about one.
ADVERSE_CUES = frozenset(
    """
    breach violate escalate provoke threaten risk danger dangerous jeopardize jeopardise
    undermine destabilize destabilise enhance strengthen bolster boost fuel worsen
    harm damage endanger imperil concern worry fear warn troubling alarming desperation
    war invasion strike attack provocation nuclear conflict confrontation sanction
    """.split()
)

# Nouns naming an event that can "take place" (used for open questions and anaphora).
EVENT_NOUNS = frozenset(
    """
    meeting summit visit trip talks talk negotiation negotiations conference tour
    exercise exercises drill drills test launch election vote referendum ceremony deal
    agreement visit summit parade strike attack offensive operation
    """.split()
)

# Material event verbs (rank above opinion and speech in key developments).
MATERIAL_VERBS = frozenset(
    """
    meet visit travel fire launch test deploy supply deliver sell buy obtain procure sign
    attack strike invade kill arrest seize capture bomb shell shoot raid withdraw arrive
    hold host conduct resign elect win lose approve pass ban impose lift sanction
    announce agree reach collapse crash derail explode die injure evacuate release free
    build construct open close start begin end suspend resume exchange invite hit
    advance send transfer acquire develop produce export import relocate rule
    """.split()
)

# Opinion/evaluation verbs that rarely carry a key development by themselves.
OPINION_VERBS = frozenset(
    """
    think believe feel hope fear worry like love hate prefer seem appear voice express
    laud praise criticize criticise castigate slam label echo
    """.split()
)

# Reporting nouns: "the report", "reports", "sources".
REPORT_NOUNS = frozenset(
    {
        "report",
        "reports",
        "source",
        "sources",
        "official",
        "officials",
        "media",
        "outlet",
        "newspaper",
        "agency",
        "statement",
    }
)

PRONOUNS_PERSON = frozenset({"he", "she", "him", "her"})
PRONOUNS_ANY = frozenset({"he", "she", "it", "they", "him", "her", "them", "we", "i"})

# Words that start a sentence of background rather than news.
BACKGROUND_MARKERS = (
    "for the record",
    "previously",
    "in the past",
    "historically",
    "for its part",
    "on his end",
    "on her end",
    "besides",
)
