"""Student-like solutions for weight_init: WRONG ones must lose points on their
own function (naming the KnownMistake when one is given), RIGHT ones get full marks."""

WRONG = {
    "sigmoid": {
        "sign_flipped": {"code": """\
def sigmoid(x):
    return 1 / (1 + np.exp(x))
""", "mistake": "sigmoid_sign_flipped"},
        "overflowing_form": {"code": """\
def sigmoid(x):
    return np.exp(x) / (1 + np.exp(x))
""", "mistake": "sigmoid_overflows"},
        "math_exp": {"code": """\
import math

def sigmoid(x):
    return 1 / (1 + math.exp(-x))
""", "mistake": None},
        "tanh_instead": {"code": """\
def sigmoid(x):
    return np.tanh(x)
""", "mistake": None},
        "flattens": {"code": """\
def sigmoid(x):
    x = np.array(x, dtype=float).ravel()
    return 1 / (1 + np.exp(-x))
""", "mistake": None},
    },
    "relu": {
        "in_place": {"code": """\
def relu(x):
    x[x < 0] = 0
    return x
""", "mistake": "relu_modifies_input"},
        "out_argument": {"code": """\
def relu(x):
    return np.maximum(x, 0, out=x)
""", "mistake": "relu_modifies_input"},
        "np_max": {"code": """\
def relu(x):
    return np.max(x, 0)
""", "mistake": "relu_uses_np_max"},
        "absolute_value": {"code": """\
def relu(x):
    return np.abs(x)
""", "mistake": None},
        "leaky": {"code": """\
def relu(x):
    return np.where(x > 0, x, 0.01 * x)
""", "mistake": None},
    },
    "forward_activations": {
        "every_layer_reads_x": {"code": """\
def forward_activations(x, weights, activation):
    return [activation(x @ w) for w in weights]
""", "mistake": "every_layer_reads_the_input"},
        "stores_products": {"code": """\
def forward_activations(x, weights, activation):
    products = []
    a = x
    for w in weights:
        z = a @ w
        products.append(z)
        a = activation(z)
    return products
""", "mistake": "activation_not_applied"},
        "only_last_layer": {"code": """\
def forward_activations(x, weights, activation):
    a = x
    for w in weights:
        a = activation(a @ w)
    return a
""", "mistake": "returns_only_last_layer"},
        "includes_input": {"code": """\
def forward_activations(x, weights, activation):
    activations = [x]
    for w in weights:
        activations.append(activation(activations[-1] @ w))
    return activations
""", "mistake": "includes_the_input"},
        "activation_first": {"code": """\
def forward_activations(x, weights, activation):
    out = []
    a = x
    for w in weights:
        a = activation(a) @ w
        out.append(a)
    return out
""", "mistake": "activation_before_product"},
        "always_sigmoid": {"code": """\
def forward_activations(x, weights, activation):
    out = []
    a = x
    for w in weights:
        a = 1 / (1 + np.exp(-(a @ w)))
        out.append(a)
    return out
""", "mistake": "ignores_activation_argument"},
    },
    "xavier_init": {
        "divides_by_n_out": {"code": """\
def xavier_init(n_in, n_out):
    return np.random.randn(n_in, n_out) / np.sqrt(n_out)
""", "mistake": "divides_by_n_out"},
        "no_square_root": {"code": """\
def xavier_init(n_in, n_out):
    return np.random.randn(n_in, n_out) / n_in
""", "mistake": "variance_used_as_std"},
        "transposed": {"code": """\
def xavier_init(n_in, n_out):
    return np.random.randn(n_out, n_in) / np.sqrt(n_in)
""", "mistake": "init_shape_swapped"},
        "uniform_rand": {"code": """\
def xavier_init(n_in, n_out):
    return np.random.rand(n_in, n_out) / np.sqrt(n_in)
""", "mistake": "uses_uniform_rand"},
        "own_generator": {"code": """\
def xavier_init(n_in, n_out):
    rng = np.random.default_rng()
    return rng.normal(0, 1 / np.sqrt(n_in), size=(n_in, n_out))
""", "mistake": "ignores_np_random_seed"},
        "glorot_fan_average": {"code": """\
def xavier_init(n_in, n_out):
    return np.random.randn(n_in, n_out) * np.sqrt(2 / (n_in + n_out))
""", "mistake": "uses_glorot_fan_average"},
        "seeds_itself": {"code": """\
def xavier_init(n_in, n_out):
    np.random.seed(100)
    return np.random.randn(n_in, n_out) / np.sqrt(n_in)
""", "mistake": "fixed_seed_inside"},
    },
    "he_init": {
        "xavier_spread": {"code": """\
def he_init(n_in, n_out):
    return np.random.randn(n_in, n_out) / np.sqrt(n_in)
""", "mistake": "he_uses_xavier_spread"},
        "variance_as_std": {"code": """\
def he_init(n_in, n_out):
    return np.random.randn(n_in, n_out) * 2 / n_in
""", "mistake": "variance_used_as_std"},
        "sqrt2_over_n": {"code": """\
def he_init(n_in, n_out):
    return np.random.randn(n_in, n_out) * np.sqrt(2) / n_in
""", "mistake": "he_sqrt2_over_n"},
        "halved": {"code": """\
def he_init(n_in, n_out):
    return np.random.randn(n_in, n_out) / np.sqrt(2 * n_in)
""", "mistake": "he_halves_instead_of_doubles"},
        "he_uniform": {"code": """\
def he_init(n_in, n_out):
    limit = np.sqrt(6 / n_in)
    return np.random.uniform(-limit, limit, size=(n_in, n_out))
""", "mistake": "uses_uniform_distribution"},
        "divides_by_n_out": {"code": """\
def he_init(n_in, n_out):
    return np.random.randn(n_in, n_out) * np.sqrt(2 / n_out)
""", "mistake": "divides_by_n_out"},
    },
}

RIGHT = {
    "sigmoid": {
        "textbook": """\
def sigmoid(x):
    return 1 / (1 + np.exp(-x))
""",
        "tanh_identity": """\
def sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * np.asarray(x, dtype=float)))
""",
        "clipped": """\
def sigmoid(x):
    z = np.clip(x, -500, 500)
    return 1.0 / (1.0 + np.exp(-z))
""",
    },
    "relu": {
        "where": """\
def relu(x):
    return np.where(x > 0, x, 0)
""",
        "mask": """\
def relu(x):
    return x * (x > 0)
""",
        "clip": """\
def relu(x):
    return np.clip(x, 0, None)
""",
    },
    "forward_activations": {
        "comprehension_state": """\
def forward_activations(x, weights, activation):
    layers = []
    for w in weights:
        layers.append(activation(np.dot(layers[-1] if layers else x, w)))
    return layers
""",
        "matmul_tuple": """\
def forward_activations(x, weights, activation):
    out = []
    a = np.asarray(x)
    for w in weights:
        a = activation(np.matmul(a, w))
        out.append(a)
    return tuple(out)
""",
    },
    "xavier_init": {
        "normal_scale": """\
def xavier_init(n_in, n_out):
    return np.random.normal(0.0, 1.0 / np.sqrt(n_in), size=(n_in, n_out))
""",
        "standard_normal": """\
def xavier_init(n_in, n_out):
    return np.random.standard_normal((n_in, n_out)) * (1 / n_in) ** 0.5
""",
    },
    "he_init": {
        "normal_scale": """\
def he_init(n_in, n_out):
    return np.random.normal(0, np.sqrt(2 / n_in), (n_in, n_out))
""",
        "xavier_times_root_two": """\
def he_init(n_in, n_out):
    std = np.sqrt(2) / np.sqrt(n_in)
    return std * np.random.randn(n_in, n_out)
""",
    },
}

# Written answers the sample class gives: one sound, one weak (a grader decides their points).
ANSWERS = {
    "answer_he_factor": {
        "sound": """\
ReLU zeroes the negative half of its inputs, so each layer keeps only half of the variance it
receives. Doubling the weight variance (2/n instead of 1/n) puts that half back. Without the
factor the spread would shrink layer after layer, as in the Xavier + ReLU row of the histograms.
""",
        "weak": """\
He is bigger than Xavier so the numbers do not get too small. I think it is because ReLU is
a newer activation than sigmoid.
""",
    },
}
