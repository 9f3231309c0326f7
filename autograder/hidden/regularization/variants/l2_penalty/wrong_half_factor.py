# expect: l2_half_factor
def l2_penalty(weights, lam):
    return 0.5 * lam * sum(np.sum(w ** 2) for w in weights)
