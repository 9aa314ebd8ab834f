"""Tiny helpers to read typed settings from the environment."""

import os
from collections.abc import Callable
from typing import Any

_TRUE = {"1", "true", "yes", "on"}


def env(name: str, default: Any = None, cast: Callable[[str], Any] = str) -> Any:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return cast(value)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in _TRUE


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]
