# expect: degree_off_by_one
def polynomial_errors(x_train, y_train, x_val, y_val, degrees):
    errors = []
    for d in degrees:
        w = np.linalg.lstsq(np.vander(x_train, d), y_train, rcond=None)[0]
        errors.append((np.mean((np.vander(x_train, d) @ w - y_train) ** 2),
                       np.mean((np.vander(x_val, d) @ w - y_val) ** 2)))
    return errors
