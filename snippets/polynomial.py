"""y = 2x^4 + x^3 + 3x^2 + 5x + 1 at x = 2, and its derivative by autograd."""

import torch

x = torch.tensor(2.0, requires_grad=True)
y = 2 * x**4 + x**3 + 3 * x**2 + 5 * x + 1
print(y)

y.backward()
print(x.grad)
