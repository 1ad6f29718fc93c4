"""Every code sample on the provider pages parses with a real parser for its language, so a
reader who copies one starts from valid code (and SDK v2's ``.promise()`` never comes back)."""

from __future__ import annotations

import ast

import pytest
import sqlglot
import tree_sitter
import tree_sitter_bicep
import tree_sitter_c_sharp
import tree_sitter_javascript
import tree_sitter_typescript

from tests.support.paths import SEED_DIR
from tests.support.seedfiles import records

# Parsers by the samples' Pygments language. Every language of the seed has one; a sample in a
# language without one fails the test below rather than passing unchecked.
TREE_SITTER = {
    "javascript": tree_sitter_javascript.language,
    "typescript": tree_sitter_typescript.language_typescript,
    "csharp": tree_sitter_c_sharp.language,
    "bicep": tree_sitter_bicep.language,
}
SAMPLES = records(SEED_DIR, "code_samples")


def syntax_errors(language: str, code: str) -> list[str]:
    """What a real parser finds wrong with ``code`` (empty when it parses)."""
    if language == "python":
        try:
            ast.parse(code)
        except SyntaxError as exc:
            return [f"line {exc.lineno}: {exc.msg}"]
        return []
    if language == "sql":
        try:
            sqlglot.parse(code, read="bigquery", error_level=sqlglot.ErrorLevel.RAISE)
        except sqlglot.errors.ParseError as exc:
            return [str(exc)]
        return []
    if language == "json":
        import json
        try:
            json.loads(code)
        except ValueError as exc:
            return [str(exc)]
        return []
    if language == "yaml":
        import yaml
        try:
            yaml.safe_load(code)
        except yaml.YAMLError as exc:
            return [str(exc)]
        return []
    grammar = TREE_SITTER.get(language)
    if grammar is None:
        return [f"no parser for {language!r}: add one to this test"]
    tree = tree_sitter.Parser(tree_sitter.Language(grammar())).parse(code.encode())
    errors = []

    def walk(node: tree_sitter.Node) -> None:
        if node.is_error or node.is_missing:
            errors.append(f"line {node.start_point[0] + 1}: {node.type} {node.text!r:.60}")
        for child in node.children:
            walk(child)

    walk(tree.root_node)
    return errors


@pytest.mark.parametrize("sample", SAMPLES, ids=[s["slug"] for s in SAMPLES])
def test_every_code_sample_parses(sample: dict) -> None:
    assert syntax_errors(sample["language"], sample["code"]) == []


@pytest.mark.parametrize("language, broken", [
    ("javascript", "export const handler = async (event) => { return {"),
    ("typescript", "const bucket: = new Bucket(this, 'Assets');"),
    ("csharp", "public class A { void F() { var x = ; } }"),
    ("bicep", "resource sa 'Microsoft.Storage/storageAccounts@2023-05-01' = {\n  name: \n"),
    ("python", "def f(:\n    pass"),
    ("sql", "SELECT FROM WHERE"),
])
def test_the_parsers_reject_broken_code(language: str, broken: str) -> None:
    assert syntax_errors(language, broken)


def test_the_lambda_sample_uses_the_current_sdk() -> None:
    lam = next(s for s in SAMPLES if s["slug"] == "lambda-handler-nodejs")
    assert ".promise()" not in lam["code"]
    assert "@aws-sdk/" in lam["code"] and "DynamoDBDocumentClient" in lam["code"]
