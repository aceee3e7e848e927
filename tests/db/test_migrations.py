"""Migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from ruri.db.engine import create_engine as create_async_engine
from ruri.db.migrate import alembic_config, upgrade_to_head
from ruri.db.models import Base


async def upgraded_database(tmp_path) -> str:
    path = tmp_path / "empty.db"
    engine = create_async_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()
    return f"sqlite:///{path}"


async def test_head_matches_models(tmp_path):
    engine = create_engine(await upgraded_database(tmp_path))
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


async def test_head_has_every_table(tmp_path):
    engine = create_engine(await upgraded_database(tmp_path))
    try:
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert set(Base.metadata.tables) <= tables


async def test_upgrade_twice_is_harmless(tmp_path):
    url = await upgraded_database(tmp_path)
    engine = create_async_engine(url.replace("sqlite://", "sqlite+aiosqlite://"))
    try:
        await upgrade_to_head(engine)
    finally:
        await engine.dispose()


async def test_downgrade_to_base_drops_tables(tmp_path):
    engine = create_engine(await upgraded_database(tmp_path))
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), "base")
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    assert tables <= {"alembic_version"}
