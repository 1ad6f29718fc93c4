"""The base of every seed record, and the field types all seed files share."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[str, Field(pattern=SLUG_RE, min_length=1, max_length=80)]
Text = Annotated[str, Field(min_length=1)]
Url = HttpUrl
ProviderSlug = Slug


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
