"""The hub: every content page, one module per page family, all reading the database through
the equivalence spine (:mod:`.capabilities`) and plain queries. Never imports the quiz."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> tuple[Blueprint, ...]:
    from . import (
        architectures,
        compare,
        devops,
        learn,
        pages,
        providers,
        search,
        services,
    )

    return (pages.bp, providers.bp, services.bp, compare.bp, devops.bp, architectures.bp,
            learn.bp, search.bp)
