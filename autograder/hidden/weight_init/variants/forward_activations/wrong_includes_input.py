# expect: includes_the_input
def forward_activations(x, weights, activation):
    activations = [x]
    for w in weights:
        activations.append(activation(activations[-1] @ w))
    return activations
