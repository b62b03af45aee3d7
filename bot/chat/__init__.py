"""The chat shell every feature stands on: the typed per-update context (services, the
reader and their language, resolved once), screens and `show`, the button codec and the
handlers per kind of button, the main menu, the answers to what the bot does not understand,
the staff check, the error handler, per-user ordering and the command menu."""
