"""Figures drawn from real computations when the site builds; never committed.

Each figure takes its numbers (or its autograd graph) from the snippet its page runs, so a picture
cannot disagree with the doctested code next to it. Figures are SVG on a white card, readable in
light and dark mode alike, and cached in .cache/figures by the hash of everything they are drawn
from, so `mkdocs serve` redraws only what changed.
"""

from __future__ import annotations

import hashlib
import io
import runpy
import warnings
from contextlib import redirect_stdout
from pathlib import Path

from autograd_site import ROOT
from autograd_site.build import autograd_graph

SNIPPETS = ROOT / "snippets"
CACHE = ROOT / ".cache" / "figures"

# Text stays text (selectable, small); the hash salt makes the SVG byte-for-byte reproducible.
STYLE = {"svg.fonttype": "none", "svg.hashsalt": "autograd-derived", "font.size": 11}


def run_snippet(name: str) -> dict:
    """The namespace of ``snippets/<name>`` after running it as a script (its output discarded)."""
    with redirect_stdout(io.StringIO()):
        return runpy.run_path(str(SNIPPETS / name), run_name="__main__")


def _pyplot():
    """matplotlib, imported only when a figure is redrawn (a warm `mkdocs serve` never pays)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot

    return matplotlib.pyplot


def _svg(figure, description: str | None = None) -> bytes:
    plt = _pyplot()
    buffer = io.BytesIO()
    metadata = {"Date": None, **({"Description": description} if description else {})}
    figure.savefig(buffer, format="svg", metadata=metadata, facecolor="white")
    plt.close(figure)
    return buffer.getvalue()


def _graph_of_x(figure, axes) -> bytes:
    """A graph of y against x, finished alike: its axes named, the x-axis drawn, a light grid, the
    legend top left."""
    axes.set_xlabel("x")
    axes.set_ylabel("y")
    axes.axhline(0, color="grey", linewidth=0.5)
    axes.grid(True, alpha=0.3)
    axes.legend(loc="upper left", fontsize=9)
    return _svg(figure)


def finite_difference_error() -> bytes:
    """Log-log plot of |difference - f'(1)| against h for f(x) = 3x^2 - 4x."""
    data = run_snippet("finite_difference_errors.py")
    steps, columns = data["STEPS"], data["COLUMNS"]
    markers = {"forward f64": "o-", "forward f32": "s-", "central f64": "^--", "central f32": "v--"}
    plt = _pyplot()
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(7, 4.2), layout="constrained")
        for name, values in columns.items():
            points = [(h, e) for h, e in zip(steps, values, strict=True) if e > 0]  # no 0 on log
            axes.loglog(*zip(*points, strict=True), markers[name], label=name)
        axes.loglog(steps, [3 * h for h in steps], ":", color="grey", label="3h (Taylor)")
        axes.set_xlabel("step h")
        axes.set_ylabel("|estimate − f′(1)|")
        axes.set_title("Finite-difference error for f(x) = 3x² − 4x at x = 1")
        # h grows to the right, as the page reads the slopes: truncation +1, round-off -1.
        axes.grid(True, which="major", alpha=0.3)
        axes.legend(loc="best", fontsize=9)
        return _svg(figure)


def tangent() -> bytes:
    """f(x) = 3x^2 - 4x, secants through x = 1 for shrinking h, and the tangent they approach."""
    import torch

    f = run_snippet("finite_differences.py")["f"]
    one = torch.tensor(1.0, requires_grad=True)
    f(one).backward()
    slope = one.grad.item()  # f'(1) from autograd, not typed
    xs = [i / 100 for i in range(-50, 251)]
    plt = _pyplot()
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(7, 4.2), layout="constrained")
        axes.plot(xs, [f(x) for x in xs], color="black", label="f(x) = 3x² − 4x")
        for h, alpha in [(1.0, 0.35), (0.5, 0.6)]:
            secant = (f(1 + h) - f(1)) / h
            axes.plot(
                xs,
                [f(1) + secant * (x - 1) for x in xs],
                "--",
                alpha=alpha,
                color="tab:blue",
                label=f"secant, h = {h:g}: slope {secant:g}",
            )
        axes.plot(
            xs,
            [f(1) + slope * (x - 1) for x in xs],
            color="tab:orange",
            linewidth=2,
            label=f"tangent at x = 1: slope f′(1) = {slope:g}",
        )
        axes.plot([1], [f(1)], "o", color="tab:orange")
        axes.set_ylim(-4, 8)
        return _graph_of_x(figure, axes)


def jacobian_timing() -> bytes:
    """Median times of torch.func.jacfwd and jacrev for f: R^n -> R^m with n + m fixed, measured
    on the machine that builds the site (so they are never typed, and vary from build to build)."""
    import torch

    # Not run as __main__: the figure needs the timing function, not the script's checks.
    data = runpy.run_path(str(SNIPPETS / "jacobian_timing.py"), run_name="jacobian_timing")
    sweep = data["SWEEP"]
    # The first forward-mode call loads torch's forward-mode rules, which current releases compile
    # with the deprecated torch.jit.script: warnings from inside torch (a DeprecationWarning or a
    # FutureWarning, by release), noise in the build log.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="`torch.jit.script` is deprecated")
        medians = [data["median_seconds"](n, m) for n, m in sweep]
    inputs = [n for n, _ in sweep]
    styles = {
        "jacfwd": ("o-", "tab:blue", "jacfwd (forward mode: n JVPs)"),
        "jacrev": ("s-", "tab:orange", "jacrev (reverse mode: m VJPs)"),
    }
    plt = _pyplot()
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(7, 4.4), layout="constrained")
        for name, (marker, color, label) in styles.items():
            times = [median[name] * 1e3 for median in medians]
            axes.plot(inputs, times, marker, color=color, label=label)
            for index, alignment in ((0, "left"), (-1, "right")):
                axes.annotate(
                    f"{times[index]:.1f} ms",
                    (inputs[index], times[index]),
                    textcoords="offset points",
                    xytext=(0, 7),
                    ha=alignment,
                    color=color,
                    fontsize=9,
                )
        axes.set_xticks(inputs, [f"{n}\n{m}" for n, m in sweep])
        axes.set_xlabel(f"inputs n (top) and outputs m (bottom) of f; n + m = {sum(sweep[0])}")
        axes.set_ylabel("median time of a full Jacobian (ms)")
        axes.set_ylim(bottom=0, top=1.15 * axes.get_ylim()[1])
        version = torch.__version__.split("+")[0]
        axes.set_title(
            "Full Jacobian of f: Rⁿ → Rᵐ, forward vs reverse mode\n"
            f"(median of {data['REPEATS']} runs, one thread, torch {version}, "
            "measured when this site was built)",
            fontsize=10,
        )
        axes.grid(True, alpha=0.3)
        axes.legend(loc="upper center", fontsize=9)
        # Every measured number, in the SVG's metadata: the plot shows only the two ends.
        measured = "; ".join(
            f"n={n}, m={m}: jacfwd {median['jacfwd'] * 1e3:.2f} ms, "
            f"jacrev {median['jacrev'] * 1e3:.2f} ms"
            for (n, m), median in zip(sweep, medians, strict=True)
        )
        return _svg(figure, f"Median times: {measured}")


def relu_subgradients() -> bytes:
    """relu near its kink, the fan of subgradient lines through (0, 0), and the slopes autograd
    returns there for three formulas of the same function."""
    data = run_snippet("relu_subgradients.py")
    xs = [i / 100 for i in range(-200, 201)]
    plt = _pyplot()
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(7, 4.2), layout="constrained")
        axes.fill_between(
            xs,
            0.0,
            xs,
            color="tab:blue",
            alpha=0.12,
            linewidth=0,
            label="lines g·x with 0 ≤ g ≤ 1: every subgradient",
        )
        axes.plot(
            xs, [max(x, 0.0) for x in xs], color="black", linewidth=2, zorder=3, label="relu(x)"
        )
        groups: dict[float, list[str]] = {}
        for name, slope in data["SLOPES"].items():
            groups.setdefault(slope, []).append(name)
        colors = ["tab:orange", "tab:green", "tab:purple"]
        for index, (slope, names) in enumerate(sorted(groups.items())):
            color = colors[index % len(colors)]
            axes.plot(
                xs,
                [slope * x for x in xs],
                "--",
                color=color,
                linewidth=1.8,
                zorder=4,
                label=f"slope {slope:g}: {', '.join(names)}",
            )
        axes.plot(
            xs,
            [1.5 * x for x in xs],
            ":",
            color="tab:red",
            label="slope 1.5: crosses above the graph, not a subgradient",
        )
        axes.plot([0], [0], "o", color="black", zorder=5)
        axes.set_xlim(-2, 2)
        axes.set_ylim(-1.5, 2.5)
        axes.set_title("Subgradients of relu at its kink x = 0")
        return _graph_of_x(figure, axes)


def per_sample_gradients() -> bytes:
    """Each sample's gradient with respect to the weight, as an arrow, and their mean: the
    gradient backward() computes for the mean loss."""
    data = run_snippet("per_sample_gradients.py")
    per_sample = data["per_sample"]["weight"][:, 0].tolist()
    mean = data["model"].weight.grad[0].tolist()  # from backward(), not from the arrows
    plt = _pyplot()
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(7, 4.6), layout="constrained")
        for index, (u, v) in enumerate(per_sample, start=1):
            axes.annotate("", (u, v), (0, 0), arrowprops={"arrowstyle": "->", "color": "tab:blue"})
            axes.annotate(
                f"sample {index}  ({u:g}, {v:g})",
                (u, v),
                textcoords="offset points",
                xytext=(6, -4 if v < 0 else 4),
                color="tab:blue",
                fontsize=9,
            )
        axes.annotate(
            "",
            mean,
            (0, 0),
            arrowprops={"arrowstyle": "-|>", "color": "tab:orange", "linewidth": 2.5},
        )
        axes.annotate(
            f"their mean ({mean[0]:g}, {mean[1]:g}):\nthe gradient of the mean loss",
            mean,
            textcoords="offset points",
            xytext=(8, 0),
            color="tab:orange",
            fontsize=9,
        )
        axes.plot([0], [0], "o", color="black")
        axes.set_xlim(-6, 9)
        axes.set_ylim(-9.5, 1.5)
        axes.set_aspect("equal")
        axes.set_xlabel("∂ℓᵢ/∂w₁")
        axes.set_ylabel("∂ℓᵢ/∂w₂")
        axes.set_title(
            "Gradient of each sample's loss with respect to the weight\n"
            "(vmap(grad(sample_loss))) and their mean (backward() of the mean loss)",
            fontsize=10,
        )
        axes.grid(True, alpha=0.3)
        return _svg(figure)


def control_flow_pieces() -> bytes:
    """f(a) of snippets/control_flow.py for positive a: on each interval where its while loop runs
    the same number of times, f is a line, and autograd's gradient is that line's slope."""
    import torch

    f = run_snippet("control_flow.py")["f"]
    pieces: list[tuple[float, list[float], list[float]]] = []  # slope, a, f(a)
    for a in [125 + i / 2 for i in range(1951)]:  # 125 to 1100
        t = torch.tensor(a, dtype=torch.float64, requires_grad=True)
        y = f(t)
        y.backward()
        if not pieces or pieces[-1][0] != t.grad.item():
            pieces.append((t.grad.item(), [], []))
        pieces[-1][1].append(a)
        pieces[-1][2].append(y.item())
    plt = _pyplot()
    with plt.rc_context(STYLE):
        figure, axes = plt.subplots(figsize=(7, 4.2), layout="constrained")
        for index, (slope, xs, ys) in enumerate(pieces):
            axes.plot(xs, ys, color="tab:blue", linewidth=2)
            axes.plot(xs[0], ys[0], "o", color="tab:blue")  # the loop's comparison includes it
            if index + 1 < len(pieces):  # the piece's line ends, open, where the next begins
                end = pieces[index + 1][1][0]
                axes.plot([xs[-1], end], [ys[-1], slope * end], color="tab:blue", linewidth=2)
                axes.plot(end, slope * end, "o", color="tab:blue", markerfacecolor="white")
            middle = len(xs) // 2
            axes.annotate(
                f"slope {slope:g}",
                (xs[middle], ys[middle]),
                textcoords="offset points",
                xytext=(10, -6),
                ha="left",
                color="tab:orange",
                fontsize=10,
            )
        axes.set_xlim(100, 1100)
        axes.set_ylim(800, 2400)
        axes.set_xlabel("a")
        axes.set_ylabel("f(a)")
        axes.set_title(
            "f(a) for positive a: a line on each piece, a jump between pieces;\n"
            "the slope of each piece is the gradient autograd returns there",
            fontsize=10,
        )
        axes.grid(True, alpha=0.3)
        return _svg(figure)


def graph(snippet: str, output: str, leaves: list[str], saved: bool = False):
    """With ``saved``, the diagram also shows what each node saved for backward, its tensors named
    after the variables in ``leaves`` (which may name non-leaves too) that share their memory."""

    def draw() -> bytes:
        namespace = run_snippet(snippet)
        names = {name: namespace[name] for name in leaves}
        dot = autograd_graph.to_dot(namespace[output], names, output, saved=saved)
        return autograd_graph.render_svg(dot)

    draw.__doc__ = f"The autograd graph of {output} in snippets/{snippet}."
    return draw


# site path -> (draw function, the snippet it is drawn from)
FIGURES = {
    "img/finite-difference-error.svg": (finite_difference_error, "finite_difference_errors.py"),
    "img/tangent.svg": (tangent, "finite_differences.py"),
    "img/graph-polynomial.svg": (graph("polynomial.py", "y", ["x"]), "polynomial.py"),
    "img/graph-dot-product.svg": (graph("dot_product.py", "y", ["x"]), "dot_product.py"),
    "img/graph-q.svg": (graph("q_backward.py", "Q", ["a", "b"]), "q_backward.py"),
    "img/graph-hook-on-intermediate.svg": (
        graph("hook_on_intermediate.py", "L", ["x"]),
        "hook_on_intermediate.py",
    ),
    "img/graph-linear-least-squares.svg": (
        graph("linear_least_squares.py", "loss", ["W", "b"]),
        "linear_least_squares.py",
    ),
    "img/jacobian-timing.svg": (jacobian_timing, "jacobian_timing.py"),
    "img/relu-subgradients.svg": (relu_subgradients, "relu_subgradients.py"),
    "img/graph-where-sqrt.svg": (graph("where_sqrt.py", "y", ["x"]), "where_sqrt.py"),
    "img/per-sample-gradients.svg": (per_sample_gradients, "per_sample_gradients.py"),
    "img/graph-saved-tensors.svg": (
        graph("saved_tensors.py", "L", ["a", "b", "e"], saved=True),
        "saved_tensors.py",
    ),
    "img/graph-control-flow.svg": (graph("control_flow.py", "d2", ["a2"]), "control_flow.py"),
    "img/control-flow-pieces.svg": (control_flow_pieces, "control_flow.py"),
}


def _key(path: str, snippet: str) -> str:
    digest = hashlib.sha256(path.encode())
    for source in (
        SNIPPETS / snippet,
        Path(__file__),
        autograd_graph.RENDERER,
        Path(autograd_graph.__file__),
    ):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def generated() -> dict[str, bytes]:
    """Site path -> content of every generated figure, redrawn only when its inputs changed."""
    figures = {}
    for path, (draw, snippet) in FIGURES.items():
        cached = CACHE / f"{Path(path).stem}-{_key(path, snippet)}.svg"
        if not cached.is_file():
            CACHE.mkdir(parents=True, exist_ok=True)
            for stale in CACHE.glob(f"{Path(path).stem}-*.svg"):
                stale.unlink()
            cached.write_bytes(draw())
        figures[path] = cached.read_bytes()
    return figures
