"""Reading a procedure TOML file: every problem found, one line each, naming key and fault.

`load_procedure` returns a valid Procedure or raises ProcedureError with all problems at once,
so that staff can fix a file in one go. `coverage` counts translated texts per language for
`participation-bot check`. What `check` accepts, the bot can run: dates stay in a range where
date arithmetic cannot overflow, the greeting fits one Telegram message in every language,
and N of `top_n` can be chosen in every field.
"""

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.languages import SUPPORTED_LANGUAGES, is_rtl
from bot.procedure.ids import ID_RULE, is_id
from bot.procedure.measures_reader import ITEM_KEYS as MEASURE_ITEM_KEYS
from bot.procedure.measures_reader import KEYS as MEASURES_KEYS
from bot.procedure.measures_reader import read_measures
from bot.procedure.model import (
    PUBLICATION,
    VOTING_METHODS,
    Field,
    Goal,
    Phase,
    Privacy,
    Procedure,
    Results,
    Text,
    Voting,
)

_KEYS = {
    "": {"procedure", "privacy", "voting", "results", "phases", "fields", "measures"},
    "procedure": {"id", "example", "default_language", "languages", "timezone", "title",
                  "description", "invitation"},
    "privacy": {"controller", "contact", "retention", "officer", "authority", "retention_until"},
    "voting": {"method", "top_n", "points", "rank_fields", "opens", "closes", "results_public",
               "results_url", "reminder_hours"},
    "results": {"public", "min_group", "weights"},
    "phases": {"id", "starts", "ends", "title", "description", "cancelled"},
    "fields": {"id", "title", "guiding_goal", "goals"},
    "goals": {"id", "text", "short"},
    "measures": MEASURES_KEYS,
    "measures.items": MEASURE_ITEM_KEYS,
}  # fmt: skip


_NO_DATE = date(2000, 1, 1)  # stands in for a missing or wrong date (already reported)
# Dates outside these years are typos ("9999-12-31" for "open end"); the bot adds days and
# hours to dates, which overflows near the end of year 9999.
FIRST_YEAR, LAST_YEAR = 1970, 2999

# The greeting (bot/welcome/home.py) shows the title and the description with the bot's own
# words in one message of at most MAX_MESSAGE UTF-16 code units (Telegram's limit after the
# formatting), right-to-left marks included; GREETING_RESERVE is kept for the bot's words
# (tests/procedure/test_reader.py checks it against every catalog).
MAX_MESSAGE = 4096
GREETING_RESERVE = 256
MAX_TITLE = 200  # the title also heads the main menu and the help


def _length(text: str) -> int:
    """The length Telegram counts: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


MAX_SHORT = 30  # characters of a sub-goal's short label
# The one-sentence invitation is the bot's short description in Telegram (at most 120
# characters, Telegram's limit) and the line under the title on posters.
MAX_INVITATION = 120


class ProcedureError(ValueError):
    """A procedure file that cannot be used; `problems` holds one line per problem."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__("\n".join(f"{path}: {p}" for p in problems))


@dataclass
class _Texts:
    """Every translatable text seen, for the coverage table: key -> languages present."""

    keys: dict[str, set[str]]


class _Reader:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.problems: list[str] = []
        self.texts = _Texts({})
        self.languages: tuple[str, ...] = ()
        self.default = "de"
        self.timezone = ZoneInfo("UTC")
        self.retention_until: date | None = None

    def problem(self, key: str, what: str) -> None:
        self.problems.append(f"{key}: {what}")

    def table(self, data: Any, key: str, kind: str) -> dict[str, Any]:
        if not isinstance(data, dict):
            self.problem(key, "expected a table")
            return {}
        for unknown in sorted(set(data) - _KEYS[kind]):
            self.problem(f"{key}.{unknown}" if key else unknown, "unknown key")
        return data

    def string(self, data: dict[str, Any], key: str, where: str, required: bool = True) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(f"{where}.{key}", "missing")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(f"{where}.{key}", "expected a non-empty text in quotes")
            return ""
        return value.strip()

    def ident(self, data: dict[str, Any], where: str) -> str:
        value = self.string(data, "id", where)
        if value and not is_id(value):
            self.problem(f"{where}.id", f"{value!r} is not a valid id ({ID_RULE})")
        return value

    def text(self, data: dict[str, Any], key: str, where: str) -> Text:
        full = f"{where}.{key}"
        value = data.get(key)
        if value is None:
            self.problem(f"{full}.{self.default}", "missing text in the default language")
            return Text({self.default: ""})
        if not isinstance(value, dict):
            self.problem(full, f'expected translations like {key}.{self.default} = "..."')
            return Text({self.default: ""})
        text = Text()
        for language, translation in value.items():
            if language not in self.languages:
                self.problem(
                    f"{full}.{language}",
                    f"language {language!r} is not listed in procedure.languages",
                )
            elif not isinstance(translation, str) or not translation.strip():
                self.problem(f"{full}.{language}", "expected a non-empty text in quotes")
            else:
                text[language] = translation.strip()
        if self.default not in text:
            self.problem(f"{full}.{self.default}", "missing text in the default language")
            text[self.default] = ""
        self.texts.keys[full] = set(text)
        return text

    def entries(
        self, items: list[Any], name: str, kind: str
    ) -> Iterator[tuple[str, dict[str, Any], str]]:
        """Each table of an array with its id; the key names it by id once the id is known."""
        for index, raw in enumerate(items):
            table = self.table(raw, f"{name}[{index}]", kind)
            ident = self.ident(table, f"{name}[{index}]")
            yield f"{name}[{ident or index}]", table, ident

    def unique(self, ids: list[str], where: str) -> None:
        seen: set[str] = set()
        for ident in ids:
            if ident and ident in seen:
                self.problem(where, f"duplicate id {ident!r}")
            seen.add(ident)

    def in_range(self, value: date, key: str) -> bool:
        """False (and reported) for a date outside FIRST_YEAR to LAST_YEAR."""
        if FIRST_YEAR <= value.year <= LAST_YEAR:
            return True
        self.problem(
            key,
            f"{value} is out of range: expected a date between {FIRST_YEAR} and {LAST_YEAR} "
            "(write the real date; there is no open end)",
        )
        return False

    def moment(self, value: Any, key: str, end_of_day: bool = False) -> datetime | None:
        if isinstance(value, date) and not self.in_range(value, key):
            return None
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=self.timezone)
        if isinstance(value, date):
            day = value + timedelta(days=1) if end_of_day else value
            return datetime.combine(day, time(0), tzinfo=self.timezone)
        self.problem(key, "expected a date like 2020-01-14 or a time like 2020-01-14T09:00:00")
        return None

    def no_moment(self) -> datetime:
        """Stands in for a missing or wrong time (already reported)."""
        return datetime.combine(_NO_DATE, time(0), tzinfo=self.timezone)

    def read_languages(self, proc: dict[str, Any]) -> None:
        languages = proc.get("languages")
        if not isinstance(languages, list) or not languages:
            self.problem("procedure.languages", 'expected a list like ["de", "en"]')
            languages = []
        offered: list[str] = []
        for language in languages:
            if language not in SUPPORTED_LANGUAGES:
                self.problem(
                    "procedure.languages",
                    f"language {language!r} is not supported (supported: "
                    f"{', '.join(SUPPORTED_LANGUAGES)})",
                )
            elif language in offered:
                self.problem("procedure.languages", f"{language!r} is listed twice")
            else:
                offered.append(language)
        self.languages = tuple(offered)
        default = self.string(proc, "default_language", "procedure")
        if default and default not in self.languages:
            self.problem("procedure.default_language", f"{default!r} is not in languages")
        if default:
            self.default = default
        zone = self.string(proc, "timezone", "procedure")
        if zone:
            try:
                self.timezone = ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                self.problem("procedure.timezone", f"unknown timezone {zone!r}, e.g. Europe/Berlin")

    def read_privacy(self) -> Privacy:
        table = self.table(self.data.get("privacy", {}), "privacy", "privacy")
        controller = self.text(table, "controller", "privacy")
        contact = self.string(table, "contact", "privacy")
        retention = self.text(table, "retention", "privacy")
        officer = self.text(table, "officer", "privacy")
        authority = self.text(table, "authority", "privacy")
        until = table.get("retention_until")
        if until is None:
            self.problem("privacy.retention_until", "missing")
        elif isinstance(until, datetime):
            until = until.date()  # a date and time counts as the date written
        elif not isinstance(until, date):
            self.problem("privacy.retention_until", "expected a date like 2021-06-30")
            until = None
        if until is not None and not self.in_range(until, "privacy.retention_until"):
            until = None
        self.retention_until = until
        return Privacy(
            controller=controller,
            contact=contact,
            retention=retention,
            officer=officer,
            authority=authority,
            retention_until=until or _NO_DATE,
        )

    def check_retention(self, voting: Voting, phases: tuple[Phase, ...]) -> None:
        """The link is kept until voting has closed and the timeline's last step has begun."""
        until = self.retention_until
        if until is None:
            return  # missing or not a date: already reported
        key = "privacy.retention_until"
        if voting.closes != self.no_moment():  # a closing time was read (else: reported)
            last_day = (voting.closes - timedelta(microseconds=1)).astimezone(self.timezone)
            if until <= last_day.date():
                self.problem(
                    key,
                    f"{until} is not after the day voting closes ({last_day.date()}); "
                    "the link must be kept until voting has closed",
                )
        starts = [
            (moment.astimezone(self.timezone).date(), phase.id)
            for phase in phases
            if phase.starts != _NO_DATE  # a start was read (else: reported)
            and (moment := self.moment(phase.starts, "phases")) is not None
        ]
        if starts:
            day, ident = max(starts)
            if until < day:
                name = f"the last phase {ident!r}" if ident else "the last phase"
                self.problem(
                    key,
                    f"{until} is before {name} starts ({day}); the link must be kept "
                    "at least until the last step of the timeline has begun",
                )

    def check_greeting(self, title: Text, description: Text) -> None:
        """The title and the description fit the greeting, one message, in every language
        (a language without its own text shows the default language's: its key is named)."""
        room = MAX_MESSAGE - GREETING_RESERVE
        reported: set[str] = set()
        for language in self.languages:
            shown_title = title.get(language) or title.get(self.default, "")
            shown = description.get(language) or description.get(self.default, "")
            title_key = "procedure.title." + (language if language in title else self.default)
            key = "procedure.description." + (language if language in description else self.default)
            if _length(shown_title) > MAX_TITLE:
                if title_key not in reported:
                    reported.add(title_key)
                    self.problem(
                        title_key,
                        f"{_length(shown_title)} characters; a title heads the menus and the "
                        f"help: shorten it to at most {MAX_TITLE}",
                    )
                continue
            length = _length(shown_title) + _length(shown)
            if is_rtl(language):  # every line that starts with no Arabic letter gets a mark
                length += len(shown_title.split("\n")) + len(shown.split("\n"))
            if length > room and key not in reported:
                reported.add(key)
                self.problem(
                    key,
                    f"the greeting in {language!r} would be longer than the {MAX_MESSAGE} "
                    f"characters Telegram shows in one message: title and description come "
                    f"to {length} of the {room} they may use (the rest is the bot's own text); "
                    f"shorten the description by {length - room} characters",
                )

    def check_top_n(self, voting: Voting, fields: tuple[Field, ...]) -> None:
        """With `top_n`, N sub-goals can be chosen in every field."""
        if voting.method != "top_n":
            return
        short = [f for f in fields if f.goals and len(f.goals) < voting.top_n]
        if not short:
            return
        fewest = min(len(f.goals) for f in short)
        given = "" if "top_n" in self.data.get("voting", {}) else " (the default)"
        if len(short) == 1:
            which = f"the {fewest} sub-goals of fields[{short[0].id}]"
            fix = "add sub-goals to that field"
        else:
            which = "the sub-goals of " + ", ".join(
                f"fields[{f.id}] ({len(f.goals)})" for f in short
            )
            fix = "add sub-goals to those fields"
        self.problem(
            "voting.top_n",
            f"{voting.top_n}{given} is more than {which}; set top_n to at most {fewest} or {fix}",
        )

    def read_voting(self) -> Voting:
        vote = self.table(self.data.get("voting", {}), "voting", "voting")
        method = vote.get("method", "top_n")
        if method not in VOTING_METHODS:
            self.problem(
                "voting.method",
                f"unknown voting method {method!r} (use {' or '.join(VOTING_METHODS)})",
            )
        numbers = {}
        for key, default in (("top_n", 3), ("points", 10)):
            value = vote.get(key, default)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 99:
                self.problem(f"voting.{key}", "expected a whole number from 1 to 99")
                value = default
            numbers[key] = value
        flags = {}
        for key in ("rank_fields", "results_public"):
            value = vote.get(key, False)
            if not isinstance(value, bool):
                self.problem(f"voting.{key}", "expected true or false")
            flags[key] = value is True
        opens = closes = None
        for key in ("opens", "closes"):
            if key not in vote:
                self.problem(f"voting.{key}", "missing")
        if "opens" in vote:
            opens = self.moment(vote["opens"], "voting.opens")
        if "closes" in vote:
            closes = self.moment(vote["closes"], "voting.closes", end_of_day=True)
        if opens and closes and closes <= opens:
            self.problem("voting.closes", "closing time is not after the opening time")
        url = vote.get("results_url")
        if url is not None and (not isinstance(url, str) or not url.startswith("http")):
            self.problem("voting.results_url", "expected a web address starting with https://")
            url = None
        reminder = vote.get("reminder_hours", 48)
        if not isinstance(reminder, int) or isinstance(reminder, bool) or not 1 <= reminder <= 720:
            self.problem("voting.reminder_hours", "expected a whole number of hours from 1 to 720")
            reminder = 48
        epoch = self.no_moment()
        return Voting(
            method=method if method in VOTING_METHODS else "top_n",
            top_n=numbers["top_n"],
            points=numbers["points"],
            rank_fields=flags["rank_fields"],
            opens=opens or epoch,
            closes=closes or epoch,
            results_public=flags["results_public"],
            results_url=url,
            reminder_hours=reminder,
        )

    def read_results(self, voting: Voting) -> Results:
        table = self.table(self.data.get("results", {}), "results", "results")
        # Without [results], voting.results_public (older files) means "live".
        public: Any = table.get("public", "live" if voting.results_public else "after_close")
        public_from = None
        if isinstance(public, date):
            public_from = self.moment(public, "results.public")
            public = "from"
        elif public not in PUBLICATION:
            self.problem(
                "results.public",
                "expected never, after_close, live or a date like 2020-03-01",
            )
            public = "after_close"
        min_group = table.get("min_group", 5)
        if (
            not isinstance(min_group, int)
            or isinstance(min_group, bool)
            or not 1 <= min_group <= 100
        ):
            self.problem("results.min_group", "expected a whole number from 1 to 100")
            min_group = 5
        weights = dict(Results().weights)
        raw = table.get("weights", {})
        if not isinstance(raw, dict):
            self.problem("results.weights", "expected a table like { online = 1, workshop = 1 }")
            raw = {}
        for name, value in raw.items():
            if name not in weights:
                self.problem(f"results.weights.{name}", "unknown source (use online or workshop)")
            elif not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
                self.problem(f"results.weights.{name}", "expected a number of 0 or more")
            else:
                weights[name] = float(value)
        if not any(weights.values()):
            self.problem("results.weights", "at least one weight must be above 0")
        return Results(
            public=public,
            public_from=public_from,
            min_group=min_group,
            weights=tuple(weights.items()),
        )

    def read_phases(self) -> tuple[Phase, ...]:
        phases = self.data.get("phases", [])
        if not isinstance(phases, list):
            self.problem("phases", "expected [[phases]] tables")
            return ()
        result = []
        for where, phase, ident in self.entries(phases, "phases", "phases"):
            starts, ends = phase.get("starts"), phase.get("ends")
            if starts is None:
                self.problem(f"{where}.starts", "missing")
            elif self.moment(starts, f"{where}.starts") and ends is not None:
                first = self.moment(starts, f"{where}.starts")
                last = self.moment(ends, f"{where}.ends", end_of_day=True)
                if first and last and last <= first:
                    self.problem(f"{where}.ends", "the phase ends before it starts")
            if isinstance(starts, date) and not FIRST_YEAR <= starts.year <= LAST_YEAR:
                starts = None  # reported above; the retention check must not compute with it
            result.append(
                Phase(
                    id=ident,
                    starts=starts if isinstance(starts, date) else _NO_DATE,
                    ends=ends if isinstance(ends, date) else None,
                    title=self.text(phase, "title", where),
                    description=self.text(phase, "description", where),
                    cancelled=(
                        self.text(phase, "cancelled", where) if "cancelled" in phase else None
                    ),
                )
            )
        self.unique([p.id for p in result], "phases")
        return tuple(result)

    def goal(self, goal: dict[str, Any], where: str, ident: str) -> Goal:
        """A sub-goal; its optional `short` label must fit on a button (30 characters)."""
        short = self.text(goal, "short", where) if "short" in goal else None
        for language, label in (short or {}).items():
            if len(label) > MAX_SHORT:
                self.problem(
                    f"{where}.short.{language}",
                    f"at most {MAX_SHORT} characters, this one has {len(label)}",
                )
        return Goal(id=ident, text=self.text(goal, "text", where), short=short)

    def read_fields(self) -> tuple[Field, ...]:
        fields = self.data.get("fields")
        if not isinstance(fields, list) or not fields:
            self.problem("fields", "expected at least one [[fields]] table")
            return ()
        result = []
        for where, table, ident in self.entries(fields, "fields", "fields"):
            goals_raw = table.get("goals", [])
            if not isinstance(goals_raw, list) or len(goals_raw) < 2:
                self.problem(f"{where}.goals", "expected at least two [[fields.goals]] tables")
                goals_raw = goals_raw if isinstance(goals_raw, list) else []
            goals = [
                self.goal(goal, goal_where, goal_id)
                for goal_where, goal, goal_id in self.entries(goals_raw, f"{where}.goals", "goals")
            ]
            self.unique([g.id for g in goals], f"{where}.goals")
            result.append(
                Field(
                    id=ident,
                    title=self.text(table, "title", where),
                    guiding_goal=self.text(table, "guiding_goal", where),
                    goals=tuple(goals),
                )
            )
        self.unique([f.id for f in result], "fields")
        return tuple(result)

    def read_invitation(self, proc: dict[str, Any]) -> Text | None:
        """The optional one-sentence invitation; it must fit Telegram's short description."""
        if "invitation" not in proc:
            return None
        invitation = self.text(proc, "invitation", "procedure")
        for language, sentence in invitation.items():
            if len(sentence) > MAX_INVITATION:
                self.problem(
                    f"procedure.invitation.{language}",
                    f"{len(sentence)} characters; it is the bot's short description in "
                    f"Telegram, which shows at most {MAX_INVITATION}: shorten it by "
                    f"{len(sentence) - MAX_INVITATION}",
                )
        return invitation

    def read(self, path: Path) -> Procedure:
        self.table(self.data, "", "")
        proc = self.table(self.data.get("procedure", {}), "procedure", "procedure")
        self.read_languages(proc)
        ident = self.ident(proc, "procedure")
        example = proc.get("example", False)
        if not isinstance(example, bool):
            self.problem("procedure.example", "expected true or false")
        title = self.text(proc, "title", "procedure")
        description = self.text(proc, "description", "procedure")
        self.check_greeting(title, description)
        invitation = self.read_invitation(proc)
        privacy = self.read_privacy()
        voting = self.read_voting()
        phases = self.read_phases()
        fields = self.read_fields()
        results = self.read_results(voting)
        measures = read_measures(self, self.data, fields, voting.closes)
        self.check_retention(voting, phases)
        self.check_top_n(voting, fields)
        return Procedure(
            id=ident,
            example=example is True,
            default_language=self.default,
            languages=self.languages or (self.default,),
            timezone=self.timezone,
            title=title,
            description=description,
            invitation=invitation,
            measures=measures,
            privacy=privacy,
            voting=voting,
            phases=phases,
            fields=fields,
            source=path,
            results=results,
        )


def _parse(path: Path) -> tuple[Procedure, _Reader]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ProcedureError(path, [f"cannot read the file: {exc.strerror}"]) from exc
    try:
        # utf-8-sig: a byte order mark (Windows editors write one) is not part of the TOML.
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ProcedureError(path, ["the file is not UTF-8 text"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProcedureError(path, [f"TOML syntax error: {exc}"]) from exc
    reader = _Reader(data)
    procedure = reader.read(path)
    if reader.problems:
        raise ProcedureError(path, reader.problems)
    return procedure, reader


def load_procedure(path: Path) -> Procedure:
    """Read and validate a procedure file; raise ProcedureError listing every problem."""
    return _parse(path)[0]


@dataclass(frozen=True)
class Coverage:
    """How many of the procedure's texts exist in one language."""

    language: str
    translated: int
    total: int
    missing: tuple[str, ...]


def coverage(path: Path) -> list[Coverage]:
    """Per offered language: translated texts out of all texts, and the missing keys."""
    procedure, reader = _parse(path)
    keys = reader.texts.keys
    return [
        Coverage(
            language=language,
            translated=sum(language in present for present in keys.values()),
            total=len(keys),
            missing=tuple(key for key, present in keys.items() if language not in present),
        )
        for language in procedure.languages
    ]
