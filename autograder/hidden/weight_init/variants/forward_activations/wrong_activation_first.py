# expect: activation_before_product
def forward_activations(x, weights, activation):
    out = []
    a = x
    for w in weights:
        a = activation(a) @ w
        out.append(a)
    return out
