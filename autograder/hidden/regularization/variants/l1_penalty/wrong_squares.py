# expect: squared_not_abs
def l1_penalty(weights, lam):
    return lam * sum(np.sum(w ** 2) for w in weights)
