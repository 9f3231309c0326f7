# expect: ignores_activation_argument
def forward_activations(x, weights, activation):
    out = []
    a = x
    for w in weights:
        a = 1 / (1 + np.exp(-(a @ w)))
        out.append(a)
    return out
