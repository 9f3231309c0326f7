# expect: sum_not_mean
def polynomial_errors(x_train, y_train, x_val, y_val, degrees):
    errors = []
    for d in degrees:
        coefs = np.polyfit(x_train, y_train, d)
        errors.append((np.sum((np.polyval(coefs, x_train) - y_train) ** 2),
                       np.sum((np.polyval(coefs, x_val) - y_val) ** 2)))
    return errors
