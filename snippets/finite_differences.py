"""The numerical limit of f(x) = 3x^2 - 4x at x = 1, for shrinking h."""


def f(x):
    return 3 * x**2 - 4 * x


def numerical_lim(f, x, h):
    return (f(x + h) - f(x)) / h


h = 0.1
for _ in range(7):
    print(f"h={h:.0e}, numerical limit={numerical_lim(f, 1, h):.6f}")
    h *= 0.1
