"""Numbered SQL migrations, applied in order at start-up (see storage/db.py)."""
