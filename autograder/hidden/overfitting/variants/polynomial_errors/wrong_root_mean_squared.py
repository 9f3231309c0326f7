# expect: rmse_not_mse
def polynomial_errors(x_train, y_train, x_val, y_val, degrees):
    errors = []
    for d in degrees:
        coefs = np.polyfit(x_train, y_train, d)
        train = np.sqrt(np.mean((np.polyval(coefs, x_train) - y_train) ** 2))
        val = np.sqrt(np.mean((np.polyval(coefs, x_val) - y_val) ** 2))
        errors.append((train, val))
    return errors
