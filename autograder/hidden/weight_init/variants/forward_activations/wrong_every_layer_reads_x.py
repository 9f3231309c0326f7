# expect: every_layer_reads_the_input
def forward_activations(x, weights, activation):
    return [activation(x @ w) for w in weights]
