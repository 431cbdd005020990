"""Keras 3 reference numbers for Tests/CNNTests/FunctionalKerasTests.swift (run by hand; CI reads
the JSON this writes, so it needs no TensorFlow):

    python3 -m venv /tmp/tfvenv && /tmp/tfvenv/bin/pip install tensorflow-cpu
    /tmp/tfvenv/bin/python Tests/CNNTests/Fixtures/make_keras_fixtures.py

Small functional models with fixed weights (numpy, seeded): their inference outputs, the training
loss (weight penalties included) and every parameter's gradient in training mode, then three
`fit` steps (one batch per epoch, no shuffling) with a scheduled optimiser: the history and the
final weights. Also the three learning-rate schedules at steps 0..12. Written to
keras_functional.json beside this script. Layers are named so the Swift test can match them.
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import tensorflow as tf
import keras
from keras import layers, regularizers, optimizers

keras.utils.set_random_seed(0)
rng = np.random.default_rng(19)


def tensor(a):
    a = np.asarray(a, dtype=np.float32)
    return {"shape": list(a.shape), "values": [float(v) for v in a.reshape(-1)]}


def fill(model):
    """Every weight from the seeded generator, by kind, so batch norm starts somewhere typical."""
    for layer in model.layers:
        new = []
        for w in layer.weights:
            name = w.path.split("/")[-1]
            shape = tuple(w.shape)
            if name == "kernel":
                new.append(rng.uniform(-0.5, 0.5, shape))
            elif name == "bias":
                new.append(rng.uniform(-0.1, 0.1, shape))
            elif name == "gamma":
                new.append(rng.uniform(0.8, 1.2, shape))
            elif name == "beta" or name == "moving_mean":
                new.append(rng.uniform(-0.1, 0.1, shape))
            elif name == "moving_variance":
                new.append(rng.uniform(0.5, 1.5, shape))
            else:
                raise ValueError(name)
        if new:
            layer.set_weights([np.asarray(v, np.float32) for v in new])


def weights(model):
    return {layer.name: {w.path.split("/")[-1]: tensor(w.numpy()) for w in layer.weights}
            for layer in model.layers if layer.weights}


def case(model, x, y, make_optimizer, epochs=3):
    fill(model)
    start = weights(model)
    prediction = model(x, training=False).numpy()
    with tf.GradientTape() as tape:
        out = model(x, training=True)
        data_loss = keras.losses.SparseCategoricalCrossentropy()(y, out)
        penalty = tf.add_n(model.losses) if model.losses else tf.constant(0.0)
        loss = data_loss + penalty
    grads = tape.gradient(loss, model.trainable_weights)
    gradients = {}
    for w, g in zip(model.trainable_weights, grads):
        layer, name = w.path.split("/")[-2], w.path.split("/")[-1]
        gradients.setdefault(layer, {})[name] = tensor(g.numpy())
    # The same inputs again: the tape's training pass moved the running statistics.
    for layer in model.layers:
        if layer.weights:
            layer.set_weights([np.asarray(v["values"], np.float32).reshape(v["shape"]) for v in start[layer.name].values()])
    optimizer = make_optimizer()
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    rates = []

    class Rate(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            # The rate the epoch's last step used: the schedule at iterations - 1.
            lr = optimizer._learning_rate
            step = int(optimizer.iterations.numpy()) - 1
            rates.append(float(lr(step)) if callable(lr) else float(lr.numpy()))

    history = model.fit(x, y, batch_size=len(x), epochs=epochs, shuffle=False, verbose=0, callbacks=[Rate()])
    return {
        "x": tensor(x), "y": tensor(y), "weights": start, "prediction": tensor(prediction),
        "loss": float(loss.numpy()), "penalty": float(penalty.numpy()), "gradients": gradients,
        "history_loss": [float(v) for v in history.history["loss"]], "learning_rates": rates,
        "trained": weights(model),
    }


def residual():
    """Conv2D + BN + ReLU twice, a 1x1 projection shortcut, Add, ReLU; ZeroPadding2D; two conv
    branches joined by Concatenate; L2 on a convolution, L1 on the dense head. The convolutions
    before batch norm have no bias, as in ResNets: BN removes it, so its gradient is rounding
    noise that Adam would scale up to whole steps (differently on each side)."""
    inp = keras.Input((6, 6, 2), name="input_layer")
    h = layers.Conv2D(4, 3, padding="same", use_bias=False, name="conv_a")(inp)
    h = layers.BatchNormalization(name="bn_a")(h)
    h = layers.Activation("relu", name="relu_a")(h)
    h = layers.Conv2D(4, 3, padding="same", use_bias=False, kernel_regularizer=regularizers.L2(1e-2), name="conv_b")(h)
    h = layers.BatchNormalization(name="bn_b")(h)
    s = layers.Conv2D(4, 1, name="shortcut")(inp)
    r = layers.Activation("relu", name="relu_r")(layers.Add(name="add")([h, s]))
    p = layers.ZeroPadding2D(((1, 0), (0, 1)), name="pad")(r)
    c1 = layers.Conv2D(3, 3, activation="relu", name="branch_1")(p)
    c2 = layers.Conv2D(2, 3, name="branch_2")(p)
    c = layers.Concatenate(axis=-1, name="concat")([c1, c2])
    out = layers.Dense(3, activation="softmax", kernel_regularizer=regularizers.L1(1e-2), name="head")(layers.Flatten(name="flatten")(c))
    return keras.Model(inp, out)


def shared_dense():
    """One Dense layer called twice (shared weights), its input and output read again by Add."""
    inp = keras.Input((3,), name="input_layer")
    shared = layers.Dense(3, activation="tanh", kernel_regularizer=regularizers.L1(1e-2), name="shared")
    h1 = shared(inp)
    h2 = shared(h1)
    s = layers.Add(name="add")([h2, inp, h1])
    out = layers.Dense(2, activation="softmax", kernel_regularizer=regularizers.L2(1e-2), name="head")(s)
    return keras.Model(inp, out)


x1 = rng.normal(size=(6, 6, 6, 2)).astype(np.float32)
y1 = np.array([0, 1, 2, 1, 0, 2], np.float32)
x2 = rng.normal(size=(5, 3)).astype(np.float32)
y2 = np.array([0, 1, 1, 0, 1], np.float32)

fixtures = {
    "keras": keras.__version__, "tensorflow": tf.__version__,
    "residual_adamw_exponential": case(residual(), x1, y1, lambda: optimizers.AdamW(
        learning_rate=optimizers.schedules.ExponentialDecay(0.01, decay_steps=2, decay_rate=0.5), weight_decay=0.05)),
    "shared_adamw_cosine": case(shared_dense(), x2, y2, lambda: optimizers.AdamW(
        learning_rate=optimizers.schedules.CosineDecay(0.05, decay_steps=4, alpha=0.1))),
    "shared_sgd_piecewise": case(shared_dense(), x2, y2, lambda: optimizers.SGD(
        learning_rate=optimizers.schedules.PiecewiseConstantDecay([1], [0.1, 0.02]), momentum=0.9)),
    "schedules": {
        "exponential": [float(optimizers.schedules.ExponentialDecay(0.1, 3, 0.5)(s)) for s in range(13)],
        "exponential_staircase": [float(optimizers.schedules.ExponentialDecay(0.1, 3, 0.5, staircase=True)(s)) for s in range(13)],
        "cosine": [float(optimizers.schedules.CosineDecay(0.1, 10, alpha=0.2)(s)) for s in range(13)],
        "piecewise": [float(optimizers.schedules.PiecewiseConstantDecay([2, 5], [1.0, 0.5, 0.1])(s)) for s in range(13)],
    },
    "adamw_defaults": {k: float(v) for k, v in {
        "learning_rate": optimizers.AdamW().learning_rate.numpy(), "weight_decay": optimizers.AdamW().weight_decay,
        "beta_1": optimizers.AdamW().beta_1, "beta_2": optimizers.AdamW().beta_2, "epsilon": optimizers.AdamW().epsilon}.items()},
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_functional.json")
with open(path, "w") as f:
    json.dump(fixtures, f, separators=(",", ":"))
print("wrote", path, os.path.getsize(path), "bytes")
