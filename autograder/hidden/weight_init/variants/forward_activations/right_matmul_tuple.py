def forward_activations(x, weights, activation):
    out = []
    a = np.asarray(x)
    for w in weights:
        a = activation(np.matmul(a, w))
        out.append(a)
    return tuple(out)
