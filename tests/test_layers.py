"""The package tree is the pipeline: every import runs down the layers (README, "Layout").

A module may import from its own stage or from any stage below it, never from one
above: the core knows nothing of the reports, the jobs, HTTP or the CLI, and a stage
never reaches back for a later stage's types. Imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Bottom first. The foundation is the top-level modules: the boundary models, errors,
# settings, logging and two runtime helpers that every stage may use.
LAYERS = [
    "foundation",
    "db",
    "text",
    "ingest",
    "claims",
    "align",
    "engines",
    "compare",
    "stories",
    "reports",
    "jobs",
    "http",
    "cli",
]
FOUNDATION = {
    "api",
    "api.models",
    "api.errors",
    "api.settings",
    "api.logs",
    "api.aio",
    "api.gcpause",
}


def stage(module: str) -> str:
    if module in FOUNDATION:
        return "foundation"
    parts = module.split(".")
    assert parts[0] == "api" and len(parts) > 1, module
    assert parts[1] in LAYERS, f"{module}: a module outside every stage"
    return parts[1]


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, module) of every ``api`` import, ``from api import x`` read as ``api.x``."""
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "api"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "api":
                out += [(node.lineno, f"api.{a.name}") for a in node.names]
            elif node.module.split(".")[0] == "api":
                out.append((node.lineno, node.module))
    return out


MODULES = sorted((ROOT / "api").rglob("*.py"))


def test_every_stage_is_a_package_of_the_tree() -> None:
    found = {stage(module_name(p)) for p in MODULES}
    assert found == set(LAYERS)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_imports_run_down_the_layers(path: Path) -> None:
    me = module_name(path)
    rank = LAYERS.index(stage(me))
    upward = [
        f"line {line}: {target} ({stage(target)})"
        for line, target in imported(ast.parse(path.read_text(encoding="utf-8")))
        if LAYERS.index(stage(target)) > rank
    ]
    assert not upward, f"{me} ({stage(me)}) imports from a later stage: {upward}"


def test_only_one_module_imports_the_openai_sdk() -> None:
    users = [
        module_name(p)
        for p in MODULES
        if any(
            target.split(".")[0] == "openai"
            for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
            if isinstance(node, ast.Import | ast.ImportFrom)
            for target in (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
        )
    ]
    assert users == ["api.engines.llm.client"]
