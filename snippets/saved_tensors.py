"""L = sum(exp(a * b)): what each node of its graph saves for backward."""

import torch

a = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
b = torch.tensor([0.0, 1.0], dtype=torch.float64, requires_grad=True)
y = a * b
e = torch.exp(y)
L = e.sum()

for node in (y.grad_fn, e.grad_fn, L.grad_fn):
    saved = [name for name in dir(node) if name.startswith("_saved_")]
    print(type(node).__name__, saved)

print(y.grad_fn._saved_self is a, y.grad_fn._saved_other is b)
print(e.grad_fn._saved_result)
print(L.grad_fn._saved_self_sym_sizes)
