"""L = h * x with h = x**2: a hook on h shows the gradient that reaches h."""

import torch

x = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
h = x**2
h.register_hook(lambda grad: print("gradient at h:", grad))
L = h * x
L.backward()
print(x.grad)
