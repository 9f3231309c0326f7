# expect: counted_from_zero
def best_epoch(val_losses):
    return int(np.argmin(val_losses))
