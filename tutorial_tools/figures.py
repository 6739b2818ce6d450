"""Figures drawn from real computations when the site builds; never committed.

Each figure takes its numbers from the same snippet the page runs, so the picture and the doctested
table cannot disagree.
"""

from __future__ import annotations

import io
import runpy
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SNIPPETS = Path(__file__).resolve().parents[1] / "snippets"

# Text stays text (selectable, small); the hash salt makes the SVG byte-for-byte reproducible.
STYLE = {"svg.fonttype": "none", "svg.hashsalt": "autograd-derived", "font.size": 11}


def finite_difference_error_svg() -> bytes:
    """Log-log plot of |difference - f'(1)| against h for f(x) = 3x^2 - 4x."""
    data = runpy.run_path(str(SNIPPETS / "finite_difference_errors.py"), run_name="figures")
    steps, columns = data["STEPS"], data["COLUMNS"]
    markers = {"forward f64": "o-", "forward f32": "s-", "central f64": "^--", "central f32": "v--"}
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(7, 4.2), layout="constrained")
        for name, values in columns.items():
            points = [(h, e) for h, e in zip(steps, values) if e > 0]  # log axes cannot show 0
            axes.loglog(*zip(*points), markers[name], label=name)
        axes.loglog(steps, [3 * h for h in steps], ":", color="grey", label="3h (Taylor)")
        axes.set_xlabel("step h")
        axes.set_ylabel("|estimate − f′(1)|")
        axes.set_title("Finite-difference error for f(x) = 3x² − 4x at x = 1")
        axes.invert_xaxis()
        axes.grid(True, which="major", alpha=0.3)
        axes.legend(loc="best", fontsize=9)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None}, facecolor="white")
        plt.close(figure)
    return buffer.getvalue()


FIGURES = {"img/finite-difference-error.svg": finite_difference_error_svg}


def generated() -> dict[str, bytes]:
    """Site path -> content of every generated figure."""
    return {path: draw() for path, draw in FIGURES.items()}
