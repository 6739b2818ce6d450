"""A function with a data-dependent while loop and an if (the example of d2l
§2.5.4), called at two inputs: each call records the operations that ran, so
the two graphs differ."""

import torch


def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def graph_nodes(output):
    """The class name of every node of output's backward graph, each once."""
    seen, names, stack = set(), [], [output.grad_fn]
    while stack:
        node = stack.pop()
        if node is not None and node not in seen:
            seen.add(node)
            names.append(type(node).__name__)
            stack.extend(child for child, _ in node.next_functions)
    return names


a1 = torch.tensor(600.0, dtype=torch.float64, requires_grad=True)
d1 = f(a1)
d1.backward()
print(f"a1 = {a1.item():g}: d1 = {d1.item():g}, a1.grad = {a1.grad.item():g}")
print(graph_nodes(d1))

a2 = torch.tensor(-300.0, dtype=torch.float64, requires_grad=True)
d2 = f(a2)
d2.backward()
print(f"a2 = {a2.item():g}: d2 = {d2.item():g}, a2.grad = {a2.grad.item():g}")
print(graph_nodes(d2))
