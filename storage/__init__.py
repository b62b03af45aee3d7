"""Storage: the only place with SQL (aiosqlite). Never imports telegram."""
