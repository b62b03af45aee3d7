"""The procedure file's measures go into the database at every start (approved, with their
cost), so that they are chosen, counted and exported like every other measure."""

from bot.procedure import Procedure
from storage import measures
from storage.db import Database
from storage.measures import MeasureText, Seed


def file_seeds(procedure: Procedure) -> list[Seed]:
    """The file's measures as stored measures (ref "file:<id>")."""
    if procedure.measures is None:
        return []
    return [
        Seed(
            ref=f"file:{item.id}",
            field_id=item.field,
            goal_id=item.goal,
            cost=item.cost,
            language=procedure.default_language,
            texts={
                language: MeasureText(item.title[language], item.description.get(language, ""))
                for language in item.title
                if language in item.description
            },
        )
        for item in procedure.measures.items
    ]


async def seed_file_measures(db: Database, procedure: Procedure) -> int:
    """Store the file's measures not stored yet; refresh the others while unchosen."""
    return await measures.seed(db, file_seeds(procedure))
