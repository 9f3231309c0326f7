# expect: l2_half_factor
def l2_penalty(weights, lam):
    return lam * float(sum(tf.nn.l2_loss(w) for w in weights))
