def polynomial_errors(x_train, y_train, x_val, y_val, degrees):
    x_all = np.concatenate([x_train, x_val])
    y_all = np.concatenate([y_train, y_val])
    errors = []
    for d in degrees:
        coefs = np.polyfit(x_all, y_all, d)
        errors.append((np.mean((np.polyval(coefs, x_train) - y_train) ** 2),
                       np.mean((np.polyval(coefs, x_val) - y_val) ** 2)))
    return errors
