"""y = x * x is a vector, so backward needs a vector v; it computes J^T v."""

import torch

x = torch.arange(3.0, requires_grad=True)
y = x * x
print(y)

v = torch.ones(len(x))
y.backward(gradient=v)
print(x.grad)
