"""Claims from article text: the offline extraction, the grounding of quoted spans, and
the figures and dates (quantities) each claim states."""
