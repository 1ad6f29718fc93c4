"""The quiz: a pure engine that generates questions from a snapshot of the hub's content, a
store that keeps what each anonymous learner was asked and answered, and the pages of every mode.

``engine/`` and ``types`` are pure (no Flask, no database); ``snapshot`` reads the content once per
version; ``store/`` owns persistence and takes the learner id as an argument; ``identity`` reads
that id from the session; ``views`` and ``results`` own the pages on the blueprint of
``blueprint``.
"""
