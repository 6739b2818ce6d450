"""Per-sample gradients of a linear model, with vmap(grad(...)) and a loop."""

import torch
from torch.func import functional_call, grad, vmap

torch.manual_seed(0)
model = torch.nn.Linear(2, 1, dtype=torch.float64)
params = {
    "weight": torch.tensor([[2.0, -1.0]], dtype=torch.float64),
    "bias": torch.tensor([1.0], dtype=torch.float64),
}


def sample_loss(params, x, t):
    """The squared error of one sample: x of shape (2,), t a scalar."""
    prediction = functional_call(model, params, (x,)).squeeze(-1)
    return (prediction - t) ** 2


X = torch.tensor(
    [[1.0, 2.0], [2.0, 0.0], [-1.0, 1.0], [0.0, 3.0]], dtype=torch.float64
)
T = torch.tensor([3.0, 4.0, -1.0, -1.0], dtype=torch.float64)

# One call: the gradient of one sample's loss, mapped over the rows of X, T.
per_sample = vmap(grad(sample_loss), in_dims=(None, 0, 0))(params, X, T)
print(per_sample["weight"].shape, per_sample["bias"].shape)
# Row i: sample i's gradient, the weight's two entries, then the bias.
print(torch.cat([per_sample["weight"][:, 0], per_sample["bias"]], dim=1))

# The same gradients, one sample at a time.
loop = [grad(sample_loss)(params, x, t) for x, t in zip(X, T, strict=True)]
for name in params:
    stacked = torch.stack([gradients[name] for gradients in loop])
    print(name, torch.allclose(per_sample[name], stacked))

# backward() on the mean loss gives one gradient: the mean of the rows.
model.load_state_dict(params)  # copies the values into model's parameters
batch_loss = ((model(X).squeeze(-1) - T) ** 2).mean()
batch_loss.backward()
print(batch_loss.item())
print(model.weight.grad)
print(model.bias.grad)
print(
    torch.allclose(per_sample["weight"].mean(0), model.weight.grad),
    torch.allclose(per_sample["bias"].mean(0), model.bias.grad),
)
