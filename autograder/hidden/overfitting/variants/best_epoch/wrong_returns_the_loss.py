# expect: returned_the_loss
def best_epoch(val_losses):
    return min(val_losses)
