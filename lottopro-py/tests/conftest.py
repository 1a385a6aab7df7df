"""Shared fixtures: the real Korean history, LottoPro's own data."""

import pathlib

import pytest

import lottopro

REPO = pathlib.Path(__file__).resolve().parents[2]


def data_file(name: str) -> pathlib.Path:
    """A file of the repository's data folder (the same files the module embeds)."""
    return REPO / "lottopro-core" / "data" / name


@pytest.fixture(scope="session")
def history() -> lottopro.History:
    return lottopro.History.bundled()


@pytest.fixture(scope="session")
def engine(history: lottopro.History) -> lottopro.Engine:
    return lottopro.Engine(history)
