# expect: mean_not_sum
def l2_penalty(weights, lam):
    return lam * np.mean(np.concatenate([np.ravel(w) ** 2 for w in weights]))
