"""The newsroom's vocabulary: the people, organisations, places and topics articles are
about: how a text is matched against them (suggest.py), other names, merges and renames
(merge.py), places with official keys (places.py)."""
