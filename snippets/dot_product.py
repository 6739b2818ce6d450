"""The gradient of y = x . x, a scalar function of a vector."""

import torch

x = torch.arange(4.0, requires_grad=True)
print(x.grad)

y = torch.dot(x, x)
print(y)

y.backward()
print(x.grad)
print(x.grad == 2 * x)
