"""Currencies: symbols and codes before a figure, words after it, symbols for display."""

from __future__ import annotations

import re

CURRENCY_PREFIX = {
    "US$": "USD",
    "$": "USD",
    "A$": "AUD",
    "C$": "CAD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₽": "RUB",
    "₴": "UAH",
    "₹": "INR",
}
CURRENCY_CODES = ("USD", "EUR", "GBP", "RUB", "UAH", "JPY", "CNY", "CHF", "CAD", "AUD")
CURRENCY_WORDS = {
    "dollar": "USD",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "pounds sterling": "GBP",
    "ruble": "RUB",
    "rubles": "RUB",
    "rouble": "RUB",
    "roubles": "RUB",
    "hryvnia": "UAH",
    "hryvnias": "UAH",
    "hryvnas": "UAH",
    "yuan": "CNY",
    "yen": "JPY",
}
CURRENCY_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£"}
CURRENCY_AFTER = re.compile(
    r"\s+(?:of\s+)?(?:(?:US|U\.S\.)\s+)?(?P<w>(?i:dollars?|euros?|pounds\s+sterling|roubles?"
    r"|rubles?|hryvnias?|hryvnas|yuan|yen)\b|(?:" + "|".join(CURRENCY_CODES) + r")\b)"
)
