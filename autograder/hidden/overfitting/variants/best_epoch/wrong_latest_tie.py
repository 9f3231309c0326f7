# expect: tie_goes_to_latest
def best_epoch(val_losses):
    best, best_loss = 0, float("inf")
    for epoch, loss in enumerate(val_losses, start=1):
        if loss <= best_loss:
            best, best_loss = epoch, loss
    return best
