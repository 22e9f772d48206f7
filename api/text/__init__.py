"""Text tools every later stage shares: normalization, sentences, terms, character
grams, term vectors, static embeddings, token counts and chunking. They know nothing
of articles, claims or engines."""
