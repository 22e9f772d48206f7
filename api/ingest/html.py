"""HTML to ``ArticleInput``: the one path every HTML page takes, file or fetched URL.

Elements a reader never sees (``hidden``, ``aria-hidden="true"``, ``display:none`` or
``visibility:hidden`` inline or through a ``.class``/``#id`` rule of the page's own
``<style>``) are removed before extraction, so text planted for machines
cannot reach the article. trafilatura then picks the main text and the metadata
(title, site name as the outlet, author, date as ``published``).
"""

from __future__ import annotations

import re
from typing import Any

import lxml.html  # type: ignore[import-untyped]
import trafilatura
from lxml import etree

from api.errors import EmptyInput, FormatInputError
from api.models import ArticleInput
from api.text.normalize import clean_field, normalize_text

__all__ = ["html_to_input"]

_BOM = b"\xef\xbb\xbf"
_SIMPLE_SELECTOR = re.compile(r"[.#][A-Za-z_][\w-]*")


def html_to_input(
    data: bytes, *, source: str, fallback_outlet: str | None, encoding: str = "utf-8"
) -> ArticleInput:
    """Main text and metadata of an HTML document held in ``data`` (in ``encoding``).

    Raises ``EmptyInput`` when no visible article text is found and ``FormatInputError``
    when the document cannot be parsed; both name ``source``.
    """
    if encoding.replace("-", "").lower() == "utf8":
        data = data.removeprefix(_BOM)
    if not data.strip():
        raise EmptyInput("empty HTML document", source=source)
    try:
        tree = lxml.html.document_fromstring(data, parser=lxml.html.HTMLParser(encoding=encoding))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError, LookupError) as err:
        raise FormatInputError(f"cannot parse HTML: {err}", source=source) from None
    _drop_hidden(tree)
    html = lxml.html.tostring(tree, encoding="unicode")
    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=True)
        meta = trafilatura.extract_metadata(html)
    except Exception as err:  # trafilatura is a large third-party parser: contain it
        raise FormatInputError(f"cannot extract HTML: {err}", source=source) from None
    if not text or not normalize_text(text):
        raise EmptyInput("no article text found in the HTML", source=source)
    return ArticleInput(
        text=text,
        title=_meta(meta, "title"),
        outlet=_meta(meta, "sitename") or fallback_outlet,
        url=_meta(meta, "url"),
        published=_meta(meta, "date"),
        author=_meta(meta, "author"),
    )


def _drop_hidden(tree: Any) -> None:
    """Remove elements a reader never sees, so their text cannot leak into the article."""
    classes, ids = _hidden_selectors(tree)
    hidden = [
        element
        for element in tree.iter()
        if isinstance(element.tag, str)
        # A hidden <html>/<body> is almost always a JS "reveal on load" trick; dropping
        # it would throw away the whole page.
        and element.tag not in ("html", "body")
        and _is_hidden(element, classes, ids)
    ]
    for element in hidden:
        if element.getparent() is not None:
            element.drop_tree()  # keeps the element's tail text, which is visible


def _is_hidden(element: Any, classes: set[str], ids: set[str]) -> bool:
    if element.tag == "template":  # inert until a script clones it
        return True
    if element.get("hidden") is not None:
        return True
    if (element.get("aria-hidden") or "").strip().lower() == "true":
        return True
    if classes.intersection((element.get("class") or "").split()) or element.get("id") in ids:
        return True
    return _hides(element.get("style") or "")


def _hides(declarations: str) -> bool:
    """True if CSS ``declarations`` ("color: red; display: none") hide the element."""
    for declaration in declarations.split(";"):
        name, _, value = declaration.partition(":")
        name = name.strip().lower()
        value = value.lower().replace("!important", "").strip()
        if (name, value) in (("display", "none"), ("visibility", "hidden")):
            return True
    return False


def _hidden_selectors(tree: Any) -> tuple[set[str], set[str]]:
    """Classes and ids that the page's own <style> rules hide (``.x``/``#y`` selectors
    only; compound selectors and external stylesheets are out of reach)."""
    classes: set[str] = set()
    ids: set[str] = set()
    for style in tree.iter("style"):
        # Split on braces rather than matching rules with a regex: linear on any input.
        for rule in (style.text or "").split("}"):
            head, _, body = rule.rpartition("{")
            if not _hides(body):
                continue
            for selector in head.rpartition("{")[2].split(","):
                selector = selector.strip()
                if _SIMPLE_SELECTOR.fullmatch(selector):
                    (classes if selector[0] == "." else ids).add(selector[1:])
    return classes, ids


def _meta(meta: Any, name: str) -> str | None:
    value = getattr(meta, name, None)
    return clean_field(value) if isinstance(value, str) else None
