# expect: missing_abs
def l1_penalty(weights, lam):
    return lam * sum(np.sum(w) for w in weights)
