"""Stories: a feed's articles grouped by event (group.py, label.py), each story
compared (feed.py)."""
