"""Operations: what a city's IT needs to run the bot unattended (backups, health, statistics,
webhook mode)."""
