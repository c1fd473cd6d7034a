"""The package's shape: modules import in the layers the architecture page states (no
cycles), and no class grows past 300 code lines. That a new kind of data or a new
generator family needs no other module is checked by fitting one
(``tests/test_generators.py``)."""

import ast
import re
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


def _page_layers():
    """The layers ``docs/architecture.md`` states, lowest first: one set of module
    names per layer (``the front doors`` are the augmenter and the over-sampler)."""
    page = (PACKAGE.parent / "docs" / "architecture.md").read_text()
    start = page.index("Layers, lowest first")
    text = page[start:page.index("\n\n", start)].split(":", 1)[1]
    layers = []
    for part in text.split("→"):
        names = set(re.findall(r"`(\w+)`", part))
        if "front doors" in part:
            names |= {"_augmenter", "_over_sampler"}
        layers.append(names)
    return layers


def test_the_architecture_pages_layers_hold():
    """Every module imports (lazily too) only from layers the page puts below it."""
    layers = _page_layers()
    level = {name: i for i, names in enumerate(layers) for name in names}
    graph = _imports()
    stated = {name for name in graph if name not in ("_plotting", "extractors")}
    assert stated <= set(level), f"modules the page does not place: {stated - set(level)}"
    for name in stated:
        for target in graph[name]:
            assert level[target] < level[name], (
                f"{name} (layer {level[name]}) imports {target} (layer {level[target]})")
