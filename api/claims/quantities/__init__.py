"""Figures and dates in claim text, normalized so that outlets can be compared.

``extract_quantities`` finds counts ("approximately ten thousand soldiers"), money
("$100M"), percentages ("40 per cent"), durations ("seven-month-long") and dates
("March 5, 2025", "in early February", "on Friday") and returns them as
:class:`~api.models.Quantity` with exact offsets into the text.

``compatible`` decides whether two quantities can both be true; ``display`` renders
one for reports.

Design rules:

* Conservative. A spurious quantity later becomes a spurious conflict, which is worse
  than a missed one, so anything ambiguous is dropped: figures glued to letters
  ("MiG-29", "COVID-19", "G7", "5G", "1990s"), times of day, ratios ("one in five"),
  hyphenated ranges ("2014-15", "5-7"), a bare "one" that is not followed by a
  countable noun ("one of the", "no one"), a number right after a capitalized name
  ("Boeing 737", "Article 5").
* Linear time. One precompiled scan finds candidate figures; every check after that
  is an anchored regex on a bounded window. Text without a digit, number word, month
  or weekday is rejected by a single cheap search.
* Never raises on arbitrary text (only ASCII digits are parsed).

Modules, from the bottom up: :mod:`.text` (shared text primitives), :mod:`.names`
(months, weekdays, capitalized names), :mod:`.money`, :mod:`.units` (counted nouns),
:mod:`.numbers` (figures in digits and words), :mod:`.suffixes` (percent, duration,
currency word), :mod:`.dates`, :mod:`.scan` (the candidate scan), :mod:`.ranges`,
:mod:`.extract` (assembles :class:`~api.models.Quantity` objects), :mod:`.precision`
(how precisely a figure is written) and :mod:`.compare` (``compatible`` and ``display``).
"""

from api.claims.quantities.compare import compatible, display
from api.claims.quantities.extract import extract_quantities

__all__ = ["compatible", "display", "extract_quantities"]
