"""Pydantic models at Parallax's boundaries.

Data flows one way: ArticleInput -> Article -> (engine) ArticleAnalysis -> alignment
-> Comparison. Every offset (Evidence, Quantity, Chunk) points into ``Article.text``,
the normalized text that is returned to the user, so ``text[start:end] == quote``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleInput(Model):
    """One article as a user hands it over (JSON file, HTTP body)."""

    text: str = Field(description="Article body (plain text).", examples=["Ukraine's garrison..."])
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    author: str | None = None


class UrlInput(Model):
    """An article to fetch: ``{"url": ...}`` in a request, or a URL on the command line."""

    url: str = Field(description="http(s) URL of the article page.", examples=["https://..."])


def _item_kind(value: object) -> str:
    # An inline article has text (and may carry its url as metadata); otherwise a url
    # item is to be fetched. One branch, so a validation error names one field.
    if isinstance(value, dict):
        return "UrlInput" if "text" not in value and "url" in value else "ArticleInput"
    return type(value).__name__


ArticleItem = Annotated[
    Annotated[ArticleInput, Tag("ArticleInput")] | Annotated[UrlInput, Tag("UrlInput")],
    Discriminator(_item_kind),
]
"""One article of a request: inline ``{text, ...}`` or ``{url}`` to fetch."""
ITEM_TAGS = frozenset({"ArticleInput", "UrlInput"})


class Article(Model):
    """A normalized article. ``text`` is what every offset points into."""

    id: str = Field(description="Stable id within one request: a1, a2, ...")
    title: str
    outlet: str
    url: str | None = None
    published: str | None = None
    author: str | None = None
    source: str = Field(
        description="Where it came from: a file path, '-', a fetched URL, or 'request'."
    )
    text: str


class Evidence(Model):
    """A verbatim span of the article: ``article.text[start:end] == quote``."""

    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class QuantityKind(StrEnum):
    number = "number"
    money = "money"
    percent = "percent"
    duration = "duration"
    date = "date"


class Qualifier(StrEnum):
    """How a figure is stated: exact; approx (about X: 0.9X to 1.1X); at_least (at least,
    more than, over X); at_most (at most, up to, under X); just_under (nearly, almost,
    just under X: 0.9X to X); just_over (just over, just above X: X to 1.1X)."""

    exact = "exact"
    approx = "approx"  # about, approximately, some, roughly
    at_least = "at_least"  # at least, more than, over
    at_most = "at_most"  # at most, up to, fewer than, under
    just_under = "just_under"  # nearly, almost, just under: slightly below
    just_over = "just_over"  # just over, just above: slightly above


class Quantity(Model):
    """A figure or date stated by a claim, normalized for comparison."""

    text: str = Field(description="Surface form as in the article.")
    kind: QuantityKind
    value: float | None = Field(None, description="Numeric value; durations in `unit`.")
    unit: str | None = Field(None, description="What is counted: 'soldiers', 'USD', 'month'.")
    date: str | None = Field(None, description="ISO-8601 (possibly partial: 2025-02, --02).")
    qualifier: Qualifier = Qualifier.exact
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class ClaimKind(StrEnum):
    fact = "fact"
    quote = "quote"
    opinion = "opinion"  # opinion or analysis


class Attribution(Model):
    source: str = Field(description="Who says it: 'Andrew Perpetua'.")
    cue: str = Field(description="How it is attributed: 'wrote', 'according to'.")


class Claim(Model):
    id: str = Field(description="Unique in the result: '<article id>.c<n>'.")
    article_id: str
    text: str = Field(description="The atomic statement.")
    evidence: Evidence
    kind: ClaimKind = ClaimKind.fact
    attribution: Attribution | None = None
    quantities: list[Quantity] = Field(default_factory=list)
    negated: bool = Field(False, description="The claim states that something is not so.")


class ArticleAnalysis(Model):
    """What an engine returns for one article."""

    summary: str
    claims: list[Claim]


class ArticleResult(Article):
    summary: str
    claims: list[Claim]


class ClusterStatus(StrEnum):
    """What a row asserts: consensus (every article states the label claim), partial
    (two or more do, not all), unique (only this article: every other states none of
    it), conflict (the same fact with values that cannot both be true), unmatched (not
    matched: one article's claim the evidence cannot place; it asserts nothing)."""

    consensus = "consensus"  # every article states the label claim
    partial = "partial"  # two or more articles state it, not all
    unique = "unique"  # only this article: every other article states none of it
    conflict = "conflict"  # the same fact, with values that cannot both be true
    unmatched = "unmatched"  # one article's claim the evidence cannot place: no statement


class ConflictKind(StrEnum):
    quantity = "quantity"
    date = "date"
    negation = "negation"
    actor = "actor"
    statement = "statement"  # a judge found them incompatible in some other way


class ConflictValue(Model):
    article_id: str
    claim_id: str
    value: str | None = Field(
        description="What this claim states on the point in conflict, as written; null when "
        "it reports the fact without a value of its own (no figure, denial or speaker)."
    )


class Conflict(Model):
    kind: ConflictKind
    values: list[ConflictValue]


class Cluster(Model):
    """One row of the comparison: one fact, and the outlets that state it.

    The row's fact is its label claim. Every article in ``articles`` states that fact
    (in a conflict row, states it with a value that cannot also be true), in the
    sentences of its claims listed in ``claims``; an outlet that states none of it is
    listed in ``omissions``, and one the evidence does not settle is in neither. A row
    may hold several claims of one article (a headline and a lede that repeat the
    fact), and a claim may sit in several rows when its sentence states several facts.
    """

    id: str
    status: ClusterStatus
    label: str = Field(description="The text of the label claim: the fact the row states.")
    label_claim: str = Field(
        description="Id of the claim whose words the label shows. Every article in "
        "`articles` states this claim."
    )
    claims: list[str] = Field(
        description="Claim ids, in article order; one article may have several: the "
        "claims in the sentences where each article states the label claim."
    )
    articles: list[str] = Field(description="Ids of the articles that state the label claim.")
    detail_of: str | None = Field(
        None,
        description="Id of the row whose fact this row's fact qualifies (a date, figure, "
        "place, reason or speaker that some outlets give and others leave out); reports "
        "show it beside that row.",
    )
    conflict: Conflict | None = None


class Omission(Model):
    article_id: str
    clusters: list[str] = Field(
        description="Consensus, partial and conflict rows whose label claim this article "
        "states none of, while other articles state it."
    )


class Usage(Model):
    article_tokens: int = 0
    llm_calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    retries: int = 0
    dropped_ungrounded: int = 0
    judged_offline: int = Field(
        0,
        description="llm engine: candidate pairs judged by the offline rules because the "
        "model's judge reply for their batch was unusable (invalid or cut off).",
    )
    offline_briefs: int = Field(
        0,
        description="llm engine: briefs written by the offline method because the model's "
        "brief was unusable (invalid, cut off, or citing what it does not state).",
    )
    cost_usd: float | None = None


# How an llm engine's replies are held to their JSON schema, strongest first (see
# api/engines/llm/structured.py).
StructuredOutput = Literal["json_schema", "json_object_schema", "json_object"]


class EngineInfo(Model):
    name: Literal["offline", "llm"]
    model: str = Field(description="Model id, or the offline algorithm's version.")
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    alignment: str = Field(
        "", description="The pair model and embeddings that linked claims across articles."
    )
    structured_output: StructuredOutput | None = Field(
        None,
        description="llm engine: how replies were held to their JSON schema "
        "(response_format), as negotiated with the endpoint or forced by settings.",
    )


class ErrorEntry(Model):
    """An input or engine failure that did not stop the whole run."""

    source: str
    code: str
    message: str
    article_id: str | None = None
    claims_dropped: int | None = Field(
        None, description="Claims the model gave whose quote is not in the article."
    )


class ProgressEvent(Model):
    """One step of a running comparison, for progress bars and event streams."""

    stage: Literal["analyze", "align", "brief", "done"]
    done: int = Field(ge=0)
    total: int = Field(ge=0)
    detail: str = ""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Summaries(Model):
    """Result of ``parallax summarize`` / ``POST /v1/summaries``."""

    articles: list[ArticleResult]
    engine: EngineInfo
    usage: Usage = Field(default_factory=Usage)
    errors: list[ErrorEntry] = Field(default_factory=list)
    created_at: str = Field(default_factory=_now)


class Comparison(Model):
    """Result of ``parallax compare`` / ``POST /v1/comparisons``."""

    articles: list[ArticleResult]
    clusters: list[Cluster]
    summary: str = Field(
        description="The cross-article brief; leads with what all agree on. A disputed figure "
        "or date is followed by the other outlets' values in square brackets: "
        "'the $1 trillion [centre: $1.2 trillion] bill'."
    )
    omissions: list[Omission]
    engine: EngineInfo
    usage: Usage = Field(default_factory=Usage)
    errors: list[ErrorEntry] = Field(default_factory=list)
    max_words: int
    timings_ms: dict[str, float] = Field(default_factory=dict)
    created_at: str = Field(default_factory=_now)

    @property
    def partial(self) -> bool:
        """True when some input failed: the result covers only what succeeded."""
        return bool(self.errors)


class Story(Model):
    """One story of a feed: the articles that report one event, and their comparison."""

    id: str = Field(
        description="Stable: a hash of the members' texts (the same articles give the same "
        "id in any feed and any order).",
        examples=["s-3f9c0a1b2d4e"],
    )
    label: str = Field(
        description="A short name: the headline of the story's most central article.",
        examples=["Ukraine's garrison in Kursk under heavy pressure"],
    )
    article_ids: list[str] = Field(
        description="The feed's ids of its articles (a1 is the feed's first item), in feed order.",
        examples=[["a1", "a3"]],
    )
    outlets: list[str] = Field(description="Each article's outlet, in the same order.")
    comparison: Comparison | None = Field(
        None,
        description="The comparison of its articles, the object `parallax compare` returns "
        "for them (with the feed's article ids); null for a one-article story, with "
        "--no-compare, or when its comparison failed (then an entry in `errors` names it).",
    )


class Stories(Model):
    """Result of ``parallax stories`` / ``POST /v1/stories``: a feed grouped into stories."""

    stories: list[Story] = Field(description="Largest first; ties in feed order.")
    articles: list[Article] = Field(description="The feed's articles: a1, a2, ... in order.")
    grouping: str = Field(description="The grouping method and its threshold.")
    compared: bool = Field(description="False with --no-compare: no comparison was run.")
    engine: EngineInfo | None = Field(None, description="The engine of the comparisons.")
    usage: Usage = Field(
        default_factory=Usage,
        description="The comparisons' usage, summed; `article_tokens` counts the whole feed.",
    )
    errors: list[ErrorEntry] = Field(
        default_factory=list,
        description="Inputs that failed (their source) and stories whose comparison failed "
        "(source `story <id>`).",
    )
    timings_ms: dict[str, float] = Field(default_factory=dict)
    created_at: str = Field(default_factory=_now)

    @property
    def partial(self) -> bool:
        """True when some input or story comparison failed, or a comparison is partial."""
        return bool(self.errors) or any(
            s.comparison is not None and s.comparison.partial for s in self.stories
        )
