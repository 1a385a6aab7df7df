"""Shared fixtures: the real Korean history in ../shared/data beside the repository."""

import os
import pathlib

import pytest

import lottopro

REPO = pathlib.Path(__file__).resolve().parents[2]


def shared_data(name: str) -> pathlib.Path:
    folder = pathlib.Path(os.environ.get("LOTTOPRO_DATA_DIR", REPO.parent / "shared" / "data"))
    path = folder / name
    if not path.exists():
        pytest.fail(f"{path} is missing: the real history lives in ../shared/data beside the repository")
    return path


@pytest.fixture(scope="session")
def history() -> lottopro.History:
    return lottopro.History.from_csv(
        shared_data("kr_lotto_645.csv"), prizes=shared_data("kr_lotto_645_prizes.csv")
    )


@pytest.fixture(scope="session")
def engine(history: lottopro.History) -> lottopro.Engine:
    return lottopro.Engine(history)
