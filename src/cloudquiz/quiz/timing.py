"""Time accommodations of an exam simulation: what the learner chose and what it means.

Certification vendors grant extra time as an accommodation on request, and WCAG 2.2 SC 2.2.1 (Timing
Adjustable) asks that a time limit can be turned off, adjusted, or extended with a warning of at
least 20 seconds. The exam's start form offers all of that:

- the limit: the official time, +50 %, ×2, or untimed (no deadline at all);
- "warn me and let me extend": 20 seconds before the end a dialog offers ten more minutes, up to
  ten times; without JavaScript the same button sits next to the countdown.

The choice is stored in the attempt's ``config["timing"]`` (JSON, so no column and no migration)
and the server enforces the deadline it sets. This module is pure: the views and the store read
it, it reads neither.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

EXTENSION_MINUTES = 10
MAX_EXTENSIONS = 10  # WCAG 2.2.1: the user can extend at least ten times
WARN_SECONDS = 20  # ... and is warned at least 20 seconds before the time runs out
ANNOUNCE_AT_MINUTES = (10, 5, 1)  # when a screen reader hears the time left (polite)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    factor: float | None  # None: untimed


CHOICES = (
    Choice("standard", "Standard time", 1.0),
    Choice("extra50", "+50 % (time and a half)", 1.5),
    Choice("double", "Double time (×2)", 2.0),
    Choice("untimed", "Untimed (no limit)", None),
)
BY_VALUE = {c.value: c for c in CHOICES}
DEFAULT = "standard"


def limit_minutes(official_minutes: int, choice: str) -> int | None:
    """The limit the learner gets, in whole minutes (rounded up), or None when untimed."""
    factor = BY_VALUE[choice].factor
    return None if factor is None else math.ceil(official_minutes * factor)


def plan(official_minutes: int, choice: str, extendable: bool) -> dict[str, Any]:
    """The ``config["timing"]`` of a new exam attempt."""
    minutes = limit_minutes(official_minutes, choice)
    return {"choice": choice, "official_minutes": official_minutes, "minutes": minutes,
            "extendable": bool(extendable and minutes is not None), "extensions": 0}


def of(config: Mapping[str, Any]) -> dict[str, Any]:
    """An attempt's timing; attempts from before accommodations existed ran on standard time."""
    timing = config.get("timing")
    if isinstance(timing, Mapping) and timing.get("choice") in BY_VALUE:
        return dict(timing)
    official = int(config.get("duration_minutes") or 0)
    return {"choice": DEFAULT, "official_minutes": official, "minutes": official or None,
            "extendable": False, "extensions": 0}


def can_extend(config: Mapping[str, Any]) -> bool:
    timing = of(config)
    return bool(timing["extendable"]) and int(timing["extensions"]) < MAX_EXTENSIONS


def extended(config: Mapping[str, Any]) -> dict[str, Any]:
    """The attempt's config after one more extension."""
    timing = of(config)
    timing["extensions"] = int(timing["extensions"]) + 1
    return {**config, "timing": timing}


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def describe(config: Mapping[str, Any]) -> str:
    """What the results and progress pages say about the time an exam ran on."""
    timing = of(config)
    choice = BY_VALUE[timing["choice"]]
    official = int(timing["official_minutes"])
    if timing["minutes"] is None:
        return f"Untimed (the official limit is {official} minutes)"
    text = f"{choice.label}: {timing['minutes']} minutes"
    if choice.value != DEFAULT:
        text += f" (official {official})"
    n = int(timing["extensions"])
    if n:
        text += f", extended {_times(n)} (+{n * EXTENSION_MINUTES} minutes)"
    return text


def short(config: Mapping[str, Any]) -> str:
    """A few words for a table cell: "Standard", "+50 %", "×2 · extended once", "Untimed"."""
    timing = of(config)
    text = {"standard": "Standard", "extra50": "+50 %", "double": "×2",
            "untimed": "Untimed"}[timing["choice"]]
    n = int(timing["extensions"])
    return f"{text} · extended {_times(n)}" if n else text


def taken(seconds: float) -> str:
    """How long an attempt took, as the results page says it: "under a minute", "47 min",
    "1 h 05 min" (whole minutes, rounded down)."""
    minutes = max(0, int(seconds)) // 60
    if minutes == 0:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
