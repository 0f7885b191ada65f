"""The newsroom's vocabulary: other names, merges and renames, places with official keys."""
