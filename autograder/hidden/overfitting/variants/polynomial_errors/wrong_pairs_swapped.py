# expect: swapped_train_val
def polynomial_errors(x_train, y_train, x_val, y_val, degrees):
    result = []
    for d in degrees:
        p = np.polynomial.Polynomial.fit(x_train, y_train, d)
        result.append((np.mean((p(x_val) - y_val) ** 2), np.mean((p(x_train) - y_train) ** 2)))
    return result
