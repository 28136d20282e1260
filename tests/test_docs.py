"""Docs and code are one product: a setting or role without documentation fails here."""

import ast
import re
from pathlib import Path

import pytest

from kttt.accounts.models import Role

ROOT = Path(__file__).resolve().parent.parent
# Helpers in settings.py that read one environment variable, named by their first argument.
HELPERS = {"envbool", "envint", "envlist"}


def _string(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _is_environ(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ"


def _variable_read(node: ast.AST) -> str | None:
    """The variable name if node is envbool/envint/envlist("X", ...), os.environ.get("X"),
    os.getenv("X") or os.environ["X"]."""
    if isinstance(node, ast.Subscript) and _is_environ(node.value):
        return _string(node.slice)
    if not isinstance(node, ast.Call) or not node.args:
        return None
    func = node.func
    if (
        (isinstance(func, ast.Name) and func.id in HELPERS)
        or (isinstance(func, ast.Attribute) and func.attr == "get" and _is_environ(func.value))
        or (isinstance(func, ast.Attribute) and func.attr == "getenv")
    ):
        return _string(node.args[0])
    return None


def settings_variables() -> set[str]:
    """Every environment variable kttt/settings.py reads, found in its syntax tree."""
    tree = ast.parse((ROOT / "kttt" / "settings.py").read_text(encoding="utf-8"))
    return {name for node in ast.walk(tree) if (name := _variable_read(node))}


def documented_settings() -> set[str]:
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    return set(re.findall(r"^### `([A-Z][A-Z0-9_]*)`$", text, re.MULTILINE))


def env_example_settings() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]*)=", text, re.MULTILINE))


def test_it_finds_the_settings_it_checks():
    """Guards the parser: if it found nothing, the tests below would pass vacuously."""
    assert {"SECRET_KEY", "DATABASE_URL", "DEBUG", "KTTT_HOME_AREA"} <= settings_variables()


def test_it_documents_every_setting_in_docs_settings_md():
    assert settings_variables() - documented_settings() == set()


def test_it_documents_only_settings_that_exist():
    assert documented_settings() - settings_variables() == set()


def test_it_lists_every_setting_in_env_example():
    assert settings_variables() - env_example_settings() == set()
    assert env_example_settings() - settings_variables() == set()


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_it_documents_every_role(role):
    text = (ROOT / "docs" / "roles.md").read_text(encoding="utf-8")
    assert f"\n## `{role.value}`\n" in text
    assert f"| `{role.value}` |" in text, "missing from the summary table"


@pytest.mark.parametrize(
    "name", ["installation.md", "settings.md", "roles.md", "registry-rules.md"]
)
def test_it_links_the_docs_from_the_readme(name):
    assert f"(docs/{name})" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_it_keeps_the_two_command_quick_start():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "```sh\nmake run\n```" in readme
    assert "```sh\nmake test\n```" in readme


def test_it_links_only_to_files_that_exist():
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            assert (doc.parent / target).exists(), f"{doc.name} links to missing {target}"


def our_commands() -> set[str]:
    return {
        path.stem
        for path in (ROOT / "kttt").glob("*/management/commands/*.py")
        if not path.stem.startswith("_")
    }


def test_it_documents_every_command_in_docs_cli_md():
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## `kttt ([a-z_]+)`$", text, re.MULTILINE))
    assert {"import", "export", "load_demo", "indicators"} <= our_commands()
    assert our_commands() - documented == set()
    assert documented - our_commands() == set()
