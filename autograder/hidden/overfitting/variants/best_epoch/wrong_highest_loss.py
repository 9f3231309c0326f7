# expect: picked_highest_loss
def best_epoch(val_losses):
    return int(np.argmax(val_losses)) + 1
