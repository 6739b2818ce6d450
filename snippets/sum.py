"""The gradient of y = x_1 + x_2 + ... + x_n: a vector of ones."""

import torch

x = torch.arange(4.0, requires_grad=True)
y = x.sum()
print(y)

y.backward()
print(x.grad)
