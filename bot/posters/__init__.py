"""Printable A4 posters with a QR code that opens the bot in the reader's language (or at an
action field): `participation-bot poster`.

    links.py     the deep links a poster carries, and the bot username they need
    content.py   what one poster says, in its language (pure)
    qr.py        the QR code as vector squares
    layout.py    the A4 page: where everything goes, drawn with matplotlib (PDF, PNG, SVG)
    username.py  the bot's username from Telegram (getMe)
    cli.py       the command line
"""
