"""The package's shape: modules import in layers (no cycles), no class grows past
300 code lines, and only the data spaces ask which kind of data a fit has."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "sk_activegan"


def _module_name(path):
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0] if parts[-1] != "__init__" or len(parts) > 1 else "__init__"


def _imports():
    """``{module: set of sibling modules it imports}`` (subpackages as one module)."""
    graph = {}
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        if name == "__init__":
            continue
        targets = graph.setdefault(name, set())
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level:
                if node.level == 1 and path.parent != PACKAGE:
                    continue  # within a subpackage
                target = (node.module or "").split(".")[0]
                if target and target != name:
                    targets.add(target)
    return graph


def test_modules_import_without_cycles():
    graph = _imports()
    state = {}

    def visit(name, trail):
        if state.get(name) == "done":
            return
        assert state.get(name) != "open", f"import cycle: {' -> '.join(trail + [name])}"
        state[name] = "open"
        for target in graph.get(name, ()):
            visit(target, trail + [name])
        state[name] = "done"

    for name in graph:
        visit(name, [])
    assert "_spaces" not in graph["_networks"] and "_base" not in graph["_fitting"]


def test_no_class_over_300_code_lines():
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text().splitlines()
        for node in ast.walk(ast.parse("\n".join(source))):
            if isinstance(node, ast.ClassDef):
                body = source[node.lineno - 1:node.end_lineno]
                code = [line for line in body if line.strip() and not line.strip().startswith("#")]
                docstrings = sum(len(ast.get_docstring(n, clean=False).splitlines())
                                 for n in ast.walk(node)
                                 if isinstance(n, (ast.ClassDef, ast.FunctionDef))
                                 and ast.get_docstring(n, clean=False))
                assert len(code) - docstrings <= 300, f"{path.name}: {node.name}"


def test_only_the_spaces_decide_the_kind_of_data():
    for path in PACKAGE.rglob("*.py"):
        if path.name == "_spaces.py":
            continue
        text = path.read_text()
        assert "ImageSpace(" not in text and "TabularSpace(" not in text, path.name
        assert '"image"' not in text and '"tabular"' not in text, path.name
