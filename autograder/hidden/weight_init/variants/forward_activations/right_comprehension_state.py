def forward_activations(x, weights, activation):
    layers = []
    for w in weights:
        layers.append(activation(np.dot(layers[-1] if layers else x, w)))
    return layers
