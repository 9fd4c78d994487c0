"""Where each piece of a plan's text was written (file, YAML data, keys), for messages that point at it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel

from planmaker.inputs.validation import Loc
from planmaker.inputs.yamlfile import Yaml

ItemModel = TypeVar("ItemModel", bound=BaseModel, covariant=True)


@dataclass(frozen=True)
class Source:
    """Where a piece of text was written, for error messages."""

    file: Path
    raw: Yaml
    loc: Loc

    def at(self, *more: str | int) -> Source:
        return Source(self.file, self.raw, self.loc + more)


@dataclass(frozen=True)
class Item(Generic[ItemModel]):
    """A task, phase, requirement or point of a section with the place it came from."""

    model: ItemModel
    source: Source
