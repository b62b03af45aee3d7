"""Shared fixtures: real procedure files, real SQLite files in a temporary folder."""

from pathlib import Path

import pytest

from bot.config import Settings
from bot.procedure import Procedure
from bot.procedure_file import load_procedure
from bot.resources import example_procedure

DATA = Path(__file__).parent / "data"
TEST_SECRET = "test-secret-0123456789abcdef"


@pytest.fixture
def example() -> Procedure:
    """The shipped example procedure (Lübeck), all eight languages."""
    return load_procedure(example_procedure())


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for one test: its own database file, the shipped procedure, one staff id."""
    return Settings(
        database=tmp_path / "participation.db",
        procedure=example_procedure(),
        admins=frozenset({999}),
        secret=TEST_SECRET,
    )
