"""The newsroom's vocabulary: the people, organisations, places and topics articles are
about, and how a text is matched against them (suggest.py)."""
