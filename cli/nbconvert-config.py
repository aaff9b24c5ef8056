# nbconvert/nbclient 0.7 config used by cli/run-notebooks.ts: per-cell timeouts, progress lines and a
# failure report (the failing cell and its stderr; tslab puts its errors there, not in ename/evalue).
# It must not change what cells compute. Progress goes to stderr as "@@dnas {json}" lines.
import json
import os
import sys

import nbformat

c = get_config()  # noqa: F821 (defined by traitlets when it loads a config file)

# A cell may raise its own limit with metadata {"timeout": seconds}; the runner passes the default.
DEFAULT_TIMEOUT_S = int(os.environ.get("DNAS_CELL_TIMEOUT_S", "600"))
c.ExecutePreprocessor.timeout_func = lambda cell: cell.metadata.get("timeout", DEFAULT_TIMEOUT_S)

_state = {}


def _emit(event, **fields):
    sys.stderr.write("@@dnas " + json.dumps(dict(event=event, **fields)) + "\n")
    sys.stderr.flush()


def _on_notebook_start(notebook, **_):
    _state["notebook"] = notebook


def _on_cell_start(cell, cell_index, **_):
    if cell.cell_type == "code" and cell.source.strip():
        _emit("cell-start", index=cell_index)


def _on_cell_executed(cell, cell_index, execute_reply, **_):
    _emit("cell-done", index=cell_index, status=execute_reply.get("content", {}).get("status"))


def _stream_text(cell, name):
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream" and o.get("name") == name)


def _on_cell_error(cell, cell_index, execute_reply, **_):
    content = execute_reply.get("content", {})
    report = {
        "index": cell_index,
        "source": cell.source,
        "stderr": _stream_text(cell, "stderr"),
        "ename": content.get("ename"),
        "evalue": content.get("evalue"),
        "traceback": content.get("traceback", []),
    }
    failure_file = os.environ.get("DNAS_FAILURE_FILE")
    if failure_file:
        with open(failure_file, "w", encoding="utf-8") as f:
            json.dump(report, f)
    # nbconvert writes nothing when a cell fails; keep the partial notebook for debugging.
    partial = os.environ.get("DNAS_PARTIAL_NOTEBOOK")
    if partial and "notebook" in _state:
        nbformat.write(_state["notebook"], partial)


c.ExecutePreprocessor.on_notebook_start = _on_notebook_start
c.ExecutePreprocessor.on_cell_start = _on_cell_start
c.ExecutePreprocessor.on_cell_executed = _on_cell_executed
c.ExecutePreprocessor.on_cell_error = _on_cell_error
