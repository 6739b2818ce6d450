"""torch.where picks the right values, yet the gradient is nan: the branch it
did not pick is still in the graph."""

import torch

x = torch.tensor([-1.0, 0.0, 4.0], dtype=torch.float64, requires_grad=True)
y = torch.where(x > 0, torch.sqrt(x), 0.0)
y.sum().backward()
print(y)
print(x.grad)
