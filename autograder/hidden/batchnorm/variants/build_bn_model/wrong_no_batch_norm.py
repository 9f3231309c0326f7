def build_bn_model(input_dim, num_classes):
    return build_basic_model(input_dim, num_classes)
