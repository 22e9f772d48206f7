"""The strict prompt loader and the grounding of quotes."""

from __future__ import annotations

import pytest

from api.claims.grounding import Locator, supported_statement
from api.engines.llm.client import retry_after_seconds
from api.engines.llm.prompts import PromptError, fence, load_prompt, marker, parse_prompt

GOOD = '---\nname: t\nversion: "2"\n---\n## system\nSay $what.\n## user\n$data\n'


def test_every_shipped_prompt_loads_with_a_version() -> None:
    for name in ("extract", "reduce", "judge", "brief"):
        prompt = load_prompt(name)
        assert prompt.name == name and prompt.version
        assert "untrusted" in prompt.system and "marker" in prompt.variables


def test_render_needs_every_variable_and_nothing_else() -> None:
    prompt = parse_prompt(GOOD, "t.md")
    assert prompt.render(what="hi", data="x") == ("Say hi.", "x")
    with pytest.raises(PromptError, match=r"missing variable.*data"):
        prompt.render(what="hi")
    with pytest.raises(PromptError, match=r"unknown variable.*extra"):
        prompt.render(what="hi", data="x", extra="y")


@pytest.mark.parametrize(
    "text",
    [
        "## system\nx\n## user\ny\n",  # no front matter
        "---\nname: t\n---\n## system\nx\n## user\ny\n",  # no version
        "---\nname: t\nversion: 1\nauthor: me\n---\n## system\nx\n## user\ny\n",  # unknown key
        "---\nname: t\nversion: 1\n---\n## user\ny\n",  # no system section
        "---\nname: t\nversion: 1\n---\n## system\ncosts $5\n## user\ny\n",  # bare $
    ],
)
def test_malformed_prompt_files_fail_loudly(text: str) -> None:
    with pytest.raises(PromptError):
        parse_prompt(text, "t.md")


def test_the_fence_nonce_depends_on_the_text() -> None:
    assert marker("a") != marker("b") and marker("a") == marker("a")
    assert fence("ARTICLE", "n", "body") == "<<<ARTICLE n>>>\nbody\n<<<END ARTICLE n>>>"


def test_quotes_are_found_exactly_or_normalized_and_mapped_back() -> None:
    text = "He said:  “We will  hold the line” — and left.\nThen nothing."
    loc = Locator(text)
    assert loc.find("Then nothing.") == (47, 60)
    start, end = loc.find('"We will hold the line" - and left.') or (0, 0)
    assert text[start:end] == "“We will  hold the line” — and left."
    assert loc.find("We will hold the fort") is None
    assert loc.find("the") is None  # too short to be evidence


def test_a_statement_must_restate_its_quote() -> None:
    quote = "Russian forces have also begun targeting key bridges, Forbes reported."
    assert (
        supported_statement("Russia targets key bridges.", quote) == "Russia targets key bridges."
    )
    assert supported_statement("NATO bombed Moscow airports overnight.", quote) == quote


def test_retry_after_headers() -> None:
    import httpx

    assert retry_after_seconds(httpx.Headers({"retry-after-ms": "250"})) == 0.25
    assert retry_after_seconds(httpx.Headers({"retry-after": "3"})) == 3.0
    assert retry_after_seconds(httpx.Headers({"retry-after": "soon"})) is None
    assert retry_after_seconds(httpx.Headers({})) is None
