"""Run a source notebook's code in this process, to look at what its experiments produce."""
import json
import os
import pathlib

import matplotlib

matplotlib.use("Agg")

ROOT = pathlib.Path(__file__).resolve().parent.parent


def notebook_namespace(assignment: str) -> dict:
    """Execute every code cell of source/<assignment>/<assignment>.ipynb except the test
    cells, in notebook order, and return the resulting globals."""
    folder = ROOT / "source" / assignment
    nb = json.loads((folder / f"{assignment}.ipynb").read_text(encoding="utf-8"))
    namespace = {"__name__": "__main__"}
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        for i, cell in enumerate(nb["cells"]):
            if cell["cell_type"] != "code" or cell["metadata"].get("nbgrader", {}).get("grade"):
                continue
            source = "".join(cell["source"])
            exec(compile(source, f"<{assignment} cell {i}>", "exec"), namespace)  # noqa: S102
    finally:
        os.chdir(cwd)
        import matplotlib.pyplot as plt

        plt.close("all")
    return namespace
