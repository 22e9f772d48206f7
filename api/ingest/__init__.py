"""Inputs to articles: files, stdin, JSON and HTML documents, URLs fetched behind the
network guard. Everything downstream reads the normalized ``Article.text`` made here."""
