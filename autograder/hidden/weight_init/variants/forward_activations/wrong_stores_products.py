# expect: activation_not_applied
def forward_activations(x, weights, activation):
    products = []
    a = x
    for w in weights:
        z = a @ w
        products.append(z)
        a = activation(z)
    return products
