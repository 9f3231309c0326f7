# expect: only_first_array
def l1_penalty(weights, lam):
    for w in weights:
        return lam * np.sum(np.abs(w))
