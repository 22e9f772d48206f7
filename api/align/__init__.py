"""Claims lined up across articles: candidate blocking, pair scoring, the rules'
decisions and clustering into rows, with the types they share (api.align.types)."""
