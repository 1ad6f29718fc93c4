"""Portable progress, the pages: download this browser's history, import one into it.

``GET /progress/export`` sends the signed JSON file (``store.portable``) as a download;
``/progress/import`` shows the upload form and, on POST, adds the file's attempts and review
cards to this browser's history — or says why it cannot, changing nothing. A file up to
``IMPORT_MAX_BYTES`` (5 MiB) is accepted here; every other request keeps the 64 KiB limit.
"""

from __future__ import annotations

import json

from flask import Response, current_app, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired

from ..web.htmx import render_page
from ..web.limits import allow_larger_body
from . import identity
from .blueprint import bp
from .store import clock, portable

TEMPLATE = "quiz/import.html"


@bp.record_once
def _larger_uploads(state) -> None:  # noqa: ANN001 (flask.blueprints.BlueprintSetupState)
    allow_larger_body(state.app, "quiz.progress_import_submit",
                      int(state.app.config["IMPORT_MAX_BYTES"]))


class ImportForm(FlaskForm):
    file = FileField("Progress file (.json)", validators=[FileRequired(
        message="Choose the progress file you downloaded.")])


def _key() -> bytes:
    return str(current_app.config["SECRET_KEY"]).encode("utf-8")


@bp.get("/progress/export")
def progress_export() -> Response:
    """The download: finished attempts and review cards of this browser, signed."""
    data = portable.export(identity.learner_id(), _key())
    body = json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False)
    response = Response(body + "\n", mimetype="application/json")
    day = clock.now().date().isoformat()
    response.headers["Content-Disposition"] = (
        f'attachment; filename="cloudquiz-progress-{day}.json"')
    return response


def _page(form: ImportForm, status: int = 200, error: str = "",
          done: portable.Imported | None = None) -> Response:
    return render_page(TEMPLATE, status=status, form=form, error=error, done=done,
                       export_url=url_for("quiz.progress_export"),
                       max_mib=current_app.config["IMPORT_MAX_BYTES"] // (1024 * 1024))


@bp.get("/progress/import")
def progress_import() -> Response:
    return _page(ImportForm(formdata=None))


@bp.post("/progress/import")
def progress_import_submit() -> Response:
    """Import a file: 200 with what was added (importing it again adds nothing), or the form
    again with the reason it was refused — 400 for a tampered form, 422 for the file."""
    form = ImportForm()
    if not form.validate():
        return _page(form, status=422 if form.file.errors else 400,
                     error=" ".join(e for errors in form.errors.values() for e in errors))
    data = form.file.data.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
    try:
        progress = portable.read(data, _key())
        done = portable.apply(identity.ensure_learner(), progress)
    except portable.Refused as exc:
        return _page(ImportForm(formdata=None), status=422, error=exc.message)
    return _page(ImportForm(formdata=None), done=done)
