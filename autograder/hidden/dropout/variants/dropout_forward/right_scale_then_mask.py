def dropout_forward(x, rate, training=True):
    out = np.array(x, dtype=float)
    if training:
        out = out / (1 - rate)
        out[np.random.rand(*out.shape) < rate] = 0.0
    return out
