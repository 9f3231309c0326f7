def polynomial_errors(x_train, y_train, x_val, y_val, degrees):
    def mse(w, x, y):
        return float(((np.vander(x, len(w)) @ w - y) ** 2).mean())

    out = []
    for d in degrees:
        w, *_ = np.linalg.lstsq(np.vander(x_train, d + 1), y_train, rcond=None)
        out.append((mse(w, x_train, y_train), mse(w, x_val, y_val)))
    return out
