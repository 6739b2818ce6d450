"""One nn.Linear layer, a least-squares loss, and what backward() stores."""

import torch
from torch import nn


def linear_model():
    """nn.Linear(2, 1) with weight [1, -1] and bias 0: small numbers."""
    model = nn.Linear(2, 1, dtype=torch.float64)
    with torch.no_grad():  # setting values is not part of any loss
        model.weight.copy_(torch.tensor([[1.0, -1.0]]))
        model.bias.zero_()
    return model


model = linear_model()
W, b = model.weight, model.bias
print(W.is_leaf, W.requires_grad, W.grad)
print(b.is_leaf, b.requires_grad, b.grad)

X = torch.tensor([[1.0, 2.0], [3.0, -1.0]], dtype=torch.float64)  # 2 samples
y = torch.tensor([[1.0], [1.0]], dtype=torch.float64)  # their targets
loss_fn = nn.MSELoss()  # the mean of the squared errors
loss = loss_fn(model(X), y)
print(loss)

loss.backward()
print(W.grad)
print(b.grad)
