"""Reading and editing seed files the way a content editor does: a collection is ``name.yaml``
and/or a directory ``name/*.yaml`` of files of the same shape."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml


def collection_files(seed_dir: Path, name: str) -> list[Path]:
    """The files of collection ``name`` ("services"), in the loader's order."""
    files = [seed_dir / f"{name}.yaml"] if (seed_dir / f"{name}.yaml").is_file() else []
    if (seed_dir / name).is_dir():
        files += sorted((seed_dir / name).glob("*.yaml"))
    return files


def records(seed_dir: Path, name: str, key: str | None = None) -> list[dict[str, Any]]:
    """Every record of a collection, merged over its files."""
    out: list[dict[str, Any]] = []
    for path in collection_files(seed_dir, name):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        out.extend(data.get(key or name, []))
    return out


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def save(path: Path, data: Any) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def edit(path: Path, change: Callable[[Any], None]) -> None:
    data = load(path)
    change(data)
    save(path, data)


def file_of(seed_dir: Path, name: str, match: Callable[[dict[str, Any]], bool],
            key: str | None = None) -> Path:
    """The file of collection ``name`` holding the first record that ``match``es."""
    for path in collection_files(seed_dir, name):
        if any(match(r) for r in (load(path) or {}).get(key or name, [])):
            return path
    raise LookupError(f"no record of {name} matches")
