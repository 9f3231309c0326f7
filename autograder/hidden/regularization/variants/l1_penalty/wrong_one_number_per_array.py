def l1_penalty(weights, lam):
    return [lam * np.sum(np.abs(w)) for w in weights]
