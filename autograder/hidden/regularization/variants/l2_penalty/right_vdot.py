def l2_penalty(weights, lam):
    return lam * sum(np.vdot(w, w) for w in weights)
