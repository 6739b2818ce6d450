r"""The backward rules of the VJP cheat sheet, each written once.

A rule names an operation, gives its forward as PyTorch code and as LaTeX, states the shapes of
its inputs and output, and gives its vector-Jacobian product \(J^{\intercal} v\) for each input
twice: as LaTeX for readers and as a Python function for the tests. One list, two readers:

* the site's build renders them as the cheat sheet's table (``autograd_site.build.vjp_table``);
* ``tests/test_vjp_rules.py`` checks every rule against ``torch.autograd.grad``, in float64, on
  seeded random inputs of the stated shapes (``autograd_site.checks.vjp_rules.holds``).

The LaTeX follows the site's conventions: numerator-layout Jacobians, \(J^{\intercal} v\) (never
\(v^{\intercal} J\)), and operations on vectors written without indices act entry by entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from autograd_site import LazyModule

if TYPE_CHECKING:
    import torch


# Imported on first use: the site's build only reads the table, and should not pay torch's import
# (about a second) for it.
torch = LazyModule("torch")


@dataclass(frozen=True)
class Arg:
    """An input: its name, where it lives (LaTeX), the shape the tests draw, and where the
    operation is defined: everywhere, only for positive entries (log, a power's base), or only
    for nonzero ones (a divisor)."""

    name: str
    space: str
    shape: tuple[int, ...]
    domain: str = "real"  # "real", "positive" or "nonzero"

    def sample(self, generator: torch.Generator) -> torch.Tensor:
        if self.domain == "real":
            return torch.randn(self.shape, generator=generator, dtype=torch.float64)
        # magnitudes in [0.5, 2): away from 0, where log and division blow up
        size = 0.5 + 1.5 * torch.rand(self.shape, generator=generator, dtype=torch.float64)
        if self.domain == "positive":
            return size
        sign = torch.randint(0, 2, self.shape, generator=generator, dtype=torch.float64) * 2 - 1
        return sign * size

    @property
    def condition(self) -> str:
        """The domain as LaTeX, for the table ("" when the input may be any real)."""
        return {"real": "", "positive": f"{self.name} > 0", "nonzero": rf"{self.name} \neq 0"}[
            self.domain
        ]


@dataclass(frozen=True)
class Rule:
    """One row of the table."""

    name: str
    torch: str  # the forward as PyTorch code, in the inputs' names
    forward: str  # the forward as LaTeX, defining the output (y, or Y for a matrix)
    args: tuple[Arg, ...]
    output_space: str  # where the output, and v, live (LaTeX)
    vjps: tuple[str, ...]  # LaTeX of J^T v for each input, in the order of args
    vjp: Callable[..., tuple[torch.Tensor, ...]]  # (*inputs, v) -> J^T v for each input
    # Where the rule holds beyond the inputs' domains (LaTeX): a corner whose slope torch's
    # releases choose differently is left out rather than written for one release.
    holds_for: str = ""

    @property
    def output(self) -> str:
        return self.forward.split("=")[0].strip()

    @property
    def v(self) -> str:
        return "V" if self.output.isupper() else "v"


REAL_N = r"\mathbb{R}^{n}"
SCALAR = r"\mathbb{R}"


def _vector(name: str, domain: str = "real") -> Arg:
    """A vector input, drawn with n = 4."""
    return Arg(name, REAL_N, (4,), domain)


def _sigmoid_vjp(x, v):
    y = torch.sigmoid(x)
    return (v * y * (1 - y),)


def _softmax_vjp(x, v):
    y = torch.softmax(x, dim=0)
    return (y * (v - torch.dot(y, v)),)


def _maximum_vjp(a, b, v):
    """Where a and b tie, each gets half of v, as torch's backward of maximum gives."""
    tie = (a == b).to(v.dtype)
    return (v * ((a > b).to(v.dtype) + tie / 2), v * ((a < b).to(v.dtype) + tie / 2))


RULES: tuple[Rule, ...] = (
    Rule(
        name="add",
        torch="a + b",
        forward=r"y = a + b",
        args=(_vector("a"), _vector("b")),
        output_space=REAL_N,
        vjps=(r"v", r"v"),
        vjp=lambda a, b, v: (v, v),
    ),
    Rule(
        name="sub",
        torch="a - b",
        forward=r"y = a - b",
        args=(_vector("a"), _vector("b")),
        output_space=REAL_N,
        vjps=(r"v", r"-v"),
        vjp=lambda a, b, v: (v, -v),
    ),
    Rule(
        name="mul",
        torch="a * b",
        forward=r"y = a \odot b",
        args=(_vector("a"), _vector("b")),
        output_space=REAL_N,
        vjps=(r"v \odot b", r"v \odot a"),
        vjp=lambda a, b, v: (v * b, v * a),
    ),
    Rule(
        name="div",
        torch="a / b",
        forward=r"y = \dfrac{a}{b}",
        args=(_vector("a"), _vector("b", "nonzero")),
        output_space=REAL_N,
        vjps=(r"\dfrac{v}{b}", r"-\dfrac{v \odot a}{b^{2}}"),
        vjp=lambda a, b, v: (v / b, -v * a / b**2),
    ),
    Rule(
        name="pow",
        torch="a ** b",
        forward=r"y = a^{b}",
        args=(_vector("a", "positive"), _vector("b")),
        output_space=REAL_N,
        vjps=(r"v \odot b \odot a^{b - 1}", r"v \odot y \odot \log a"),
        vjp=lambda a, b, v: (v * b * a ** (b - 1), v * a**b * torch.log(a)),
    ),
    Rule(
        name="exp",
        torch="torch.exp(x)",
        forward=r"y = \exp(x)",
        args=(_vector("x"),),
        output_space=REAL_N,
        vjps=(r"v \odot y",),
        vjp=lambda x, v: (v * torch.exp(x),),
    ),
    Rule(
        name="log",
        torch="torch.log(x)",
        forward=r"y = \log x",
        args=(_vector("x", "positive"),),
        output_space=REAL_N,
        vjps=(r"\dfrac{v}{x}",),
        vjp=lambda x, v: (v / x,),
    ),
    Rule(
        name="sqrt",
        torch="torch.sqrt(x)",
        forward=r"y = \sqrt{x}",
        args=(_vector("x", "positive"),),
        output_space=REAL_N,
        vjps=(r"\dfrac{v}{2y}",),
        vjp=lambda x, v: (v / (2 * torch.sqrt(x)),),
    ),
    Rule(
        name="sin",
        torch="torch.sin(x)",
        forward=r"y = \sin x",
        args=(_vector("x"),),
        output_space=REAL_N,
        vjps=(r"v \odot \cos x",),
        vjp=lambda x, v: (v * torch.cos(x),),
    ),
    Rule(
        name="cos",
        torch="torch.cos(x)",
        forward=r"y = \cos x",
        args=(_vector("x"),),
        output_space=REAL_N,
        vjps=(r"-v \odot \sin x",),
        vjp=lambda x, v: (-v * torch.sin(x),),
    ),
    Rule(
        name="tanh",
        torch="torch.tanh(x)",
        forward=r"y = \tanh x",
        args=(_vector("x"),),
        output_space=REAL_N,
        vjps=(r"v \odot (1 - y^{2})",),
        vjp=lambda x, v: (v * (1 - torch.tanh(x) ** 2),),
    ),
    Rule(
        name="sigmoid",
        torch="torch.sigmoid(x)",
        forward=r"y = \sigma(x) = \dfrac{1}{1 + \exp(-x)}",
        args=(_vector("x"),),
        output_space=REAL_N,
        vjps=(r"v \odot y \odot (1 - y)",),
        vjp=_sigmoid_vjp,
    ),
    Rule(
        name="softplus",
        torch="F.softplus(x)",
        forward=r"y = \log(1 + \exp(x))",
        args=(_vector("x"),),
        output_space=REAL_N,
        vjps=(r"v \odot \sigma(x)",),
        vjp=lambda x, v: (v * torch.sigmoid(x),),
    ),
    Rule(
        name="relu",
        torch="torch.relu(x)",
        forward=r"y = \max(x, 0)",
        args=(_vector("x"),),
        output_space=REAL_N,
        vjps=(r"v \odot [x > 0]",),
        vjp=lambda x, v: (v * (x > 0),),
    ),
    Rule(
        name="abs",
        torch="torch.abs(x)",
        forward=r"y = \lvert x \rvert",
        args=(_vector("x"),),
        output_space=REAL_N,
        vjps=(r"v \odot \operatorname{sgn}(x)",),
        vjp=lambda x, v: (v * torch.sign(x),),
    ),
    Rule(
        name="clamp",
        torch="torch.clamp(x, -1, 1)",
        forward=r"y = \min(\max(x, -1), 1)",
        args=(_vector("x"),),
        output_space=REAL_N,
        vjps=(r"v \odot [-1 < x < 1]",),
        vjp=lambda x, v: (v * ((x > -1) & (x < 1)),),
        holds_for=r"x \neq \pm 1",
    ),
    Rule(
        name="maximum",
        torch="torch.maximum(a, b)",
        forward=r"y = \max(a, b)",
        args=(_vector("a"), _vector("b")),
        output_space=REAL_N,
        vjps=(
            r"v \odot \left([a > b] + \tfrac{1}{2} [a = b]\right)",
            r"v \odot \left([a < b] + \tfrac{1}{2} [a = b]\right)",
        ),
        vjp=_maximum_vjp,
    ),
    Rule(
        name="where",
        torch="torch.where(a > 0, a, b)",
        forward=r"y = \begin{cases} a & \text{where } a > 0 \\ b & \text{elsewhere} \end{cases}",
        args=(_vector("a"), _vector("b")),
        output_space=REAL_N,
        vjps=(r"v \odot [a > 0]", r"v \odot [a \le 0]"),
        vjp=lambda a, b, v: (v * (a > 0), v * (a <= 0)),
    ),
    Rule(
        name="sum",
        torch="x.sum()",
        forward=r"y = \sum_{i} x_{i}",
        args=(_vector("x"),),
        output_space=SCALAR,
        vjps=(r"v \mathbf{1}",),
        vjp=lambda x, v: (v * torch.ones_like(x),),
    ),
    Rule(
        name="mean",
        torch="x.mean()",
        forward=r"y = \dfrac{1}{n} \sum_{i} x_{i}",
        args=(_vector("x"),),
        output_space=SCALAR,
        vjps=(r"\dfrac{v}{n} \mathbf{1}",),
        vjp=lambda x, v: (v / x.numel() * torch.ones_like(x),),
    ),
    Rule(
        name="dot",
        torch="torch.dot(a, b)",
        forward=r"y = a \cdot b",
        args=(_vector("a"), _vector("b")),
        output_space=SCALAR,
        vjps=(r"v b", r"v a"),
        vjp=lambda a, b, v: (v * b, v * a),
    ),
    Rule(
        name="norm",
        torch="torch.linalg.norm(x)",
        forward=r"y = \lVert x \rVert_{2}",
        args=(_vector("x"),),
        output_space=SCALAR,
        vjps=(r"\dfrac{v}{y} x",),
        vjp=lambda x, v: (v / torch.linalg.norm(x) * x,),
    ),
    Rule(
        name="softmax",
        torch="torch.softmax(x, dim=0)",
        forward=r"y = \dfrac{\exp(x)}{\sum_{j} \exp(x_{j})}",
        args=(_vector("x"),),
        output_space=REAL_N,
        vjps=(r"y \odot \left(v - (y \cdot v) \mathbf{1}\right)",),
        vjp=_softmax_vjp,
    ),
    Rule(
        name="matrix-vector",
        torch="A @ x",
        forward=r"y = A x",
        args=(Arg("A", r"\mathbb{R}^{m \times n}", (3, 4)), _vector("x")),
        output_space=r"\mathbb{R}^{m}",
        vjps=(r"v x^{\intercal}", r"A^{\intercal} v"),
        vjp=lambda A, x, v: (torch.outer(v, x), A.T @ v),
    ),
    Rule(
        name="matmul",
        torch="A @ B",
        forward=r"Y = A B",
        args=(
            Arg("A", r"\mathbb{R}^{m \times k}", (2, 3)),
            Arg("B", r"\mathbb{R}^{k \times n}", (3, 4)),
        ),
        output_space=r"\mathbb{R}^{m \times n}",
        vjps=(r"V B^{\intercal}", r"A^{\intercal} V"),
        vjp=lambda A, B, V: (V @ B.T, A.T @ V),
    ),
    Rule(
        name="broadcast add",
        torch="X + b",
        forward=r"Y = X + \mathbf{1}_{m} b^{\intercal}",
        args=(Arg("X", r"\mathbb{R}^{m \times n}", (3, 4)), _vector("b")),
        output_space=r"\mathbb{R}^{m \times n}",
        vjps=(r"V", r"V^{\intercal} \mathbf{1}_{m}"),
        vjp=lambda X, b, V: (V, V.T @ torch.ones(V.shape[0], dtype=V.dtype)),
    ),
)
