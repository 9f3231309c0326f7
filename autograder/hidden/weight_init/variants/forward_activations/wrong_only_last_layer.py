# expect: returns_only_last_layer
def forward_activations(x, weights, activation):
    a = x
    for w in weights:
        a = activation(a @ w)
    return a
