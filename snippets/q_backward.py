"""Q = 3a^3 - b^2 for vectors a and b; backward(gradient=v) gives J^T v."""

import torch

a = torch.tensor([2.0, 3.0], requires_grad=True)
b = torch.tensor([6.0, 4.0], requires_grad=True)
Q = 3 * a**3 - b**2
print(Q)

v = torch.tensor([1.0, 1.0])
Q.backward(gradient=v)
print(a.grad)
print(b.grad)
