"""Rules of the code base that are easy to break by accident."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_library_never_imports_streamlit():
    offenders = [p.name for p in (ROOT / "monitoring").rglob("*.py")
                 if re.search(r"^\s*(import streamlit|from streamlit)", p.read_text(encoding="utf-8"), re.M)]
    assert offenders == []


def test_pages_never_render_raw_html():
    offenders = [p.name for p in [*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]
                 if re.search(r"unsafe_allow_html\s*=\s*True|st\.html\(", p.read_text(encoding="utf-8"))]
    offenders += [name for name in ("dashboard.py", "navigation.py")
                  if "unsafe_allow_html=True" in (ROOT / name).read_text()]
    assert offenders == []


def test_usage_statistics_are_off_and_tracebacks_hidden():
    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert "gatherUsageStats = false" in config
    assert 'showErrorDetails = "none"' in config


def test_requirements_pin_pysastrawi_and_never_sastrawi():
    lines = [l.strip().lower() for l in (ROOT / "requirements.txt").read_text().splitlines()]
    assert "pysastrawi==1.2.1" in lines
    assert not any(l.startswith("sastrawi") for l in lines)
    assert all("==" in l for l in lines if l and not l.startswith("#"))


# --- layers and cycles of the library ----------------------------------------------------
# Each module of monitoring/ belongs to a layer; a module may import its own layer or lower ones,
# never a higher one. Imports inside functions count; ``if TYPE_CHECKING:`` imports (annotations
# only) do not.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "schema", "clock", "formatting", "data_files", "processes", "executors"),
    ("store",),
    ("ingest", "text", "demo"),
    ("sentiment", "regions"),
    ("issues",),
    ("signals",),
    ("report",),
    ("enrichment",),
    ("pipeline", "worker"),
    ("delivery",),
    ("server",),
    ("cli",),
    ("__main__",),
)


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_modules(path: Path, known: set[str]) -> set[str]:
    """``monitoring`` modules that ``path`` imports anywhere except under ``if TYPE_CHECKING:``."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
               and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
    resolved = set()
    for name in found:
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name.startswith("monitoring") and name != "monitoring":
            resolved.add(name)
    return resolved


def _library_graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in (ROOT / "monitoring").rglob("*.py")}
    known = set(files)
    return {name: _imported_modules(path, known) - {name} for name, path in files.items()}


def _layer(module: str) -> int:
    top = module.split(".")[1] if module.count(".") else ""
    for rank, names in enumerate(LAYERS):
        if top in names:
            return rank
    raise AssertionError(f"{module} belongs to no layer: add its package to LAYERS")


def test_every_library_module_has_a_layer_and_imports_only_lower_or_equal_layers():
    graph = _library_graph()
    upward = sorted(f"{m} -> {d}" for m, deps in graph.items() if m != "monitoring"
                    for d in deps if _layer(d) > _layer(m))
    assert upward == []


def test_the_library_has_no_import_cycles():
    graph = _library_graph()
    cycles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == "open":
                cycles.append(" -> ".join(stack[stack.index(dep):] + [node, dep]))
            elif dep not in state:
                visit(dep, stack + [node])
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
    assert cycles == []


def test_the_architecture_checks_see_a_cycle_and_an_upward_import(tmp_path):
    known = {"monitoring.store.database", "monitoring.pipeline"}
    source = tmp_path / "database.py"
    source.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from monitoring import schema\n"
                      "def f():\n    from monitoring.pipeline import analyze\n")
    assert _imported_modules(source, known) == {"monitoring.pipeline"}
    assert _layer("monitoring.pipeline") > _layer("monitoring.store.database")


# Modules still being split (this list only shrinks).
_STILL_LONG: set[str] = set()


def test_no_library_module_is_a_wall_of_code():
    long = sorted(f"{p.relative_to(ROOT)}: {n}" for p in (ROOT / "monitoring").rglob("*.py")
                  if (n := len(p.read_text(encoding="utf-8").splitlines())) > 420
                  and str(p.relative_to(ROOT / "monitoring")) not in _STILL_LONG)
    assert long == []


def test_pages_holds_page_scripts_only():
    """Streamlit lists every script in pages/ as a page until st.navigation runs: glue lives in ui/."""
    navigation = (ROOT / "navigation.py").read_text(encoding="utf-8")
    scripts = sorted(p.name for p in (ROOT / "pages").glob("*.py"))
    assert scripts and all(f'"pages/{name}"' in navigation for name in scripts)
