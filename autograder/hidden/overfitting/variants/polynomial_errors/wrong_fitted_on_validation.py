# expect: fitted_on_validation
def polynomial_errors(x_train, y_train, x_val, y_val, degrees):
    errors = []
    for d in degrees:
        coefs = np.polyfit(x_val, y_val, d)
        errors.append((np.mean((np.polyval(coefs, x_train) - y_train) ** 2),
                       np.mean((np.polyval(coefs, x_val) - y_val) ** 2)))
    return errors
