#!/usr/bin/python3
"""Train the bundled sample model (a tiny MobileNet-style CNN on Fashion-MNIST).

Run by hand from the repository root with Debian's python:
    /usr/bin/python3 tools/train_sample_model.py
Needs python3-torch, python3-onnx, python3-numpy and dataset-fashion-mnist.
Writes into models/fashion_mnist/:
    fashion_mobilenet.onnx   float model; input "input" [1,1,28,28] = pixels/255, output "logits" [1,10]
    images/<class>/<n>.png   10 t10k test images per class (28x28 8-bit grayscale)
    classes.txt              class names in index order
    expected.json            float accuracies and reference logits for tests
"""
import gzip, json, os, random, struct, sys, time, zlib
from collections import Counter

import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn as nn

SEED = 1234
EPOCHS = 8
BATCH = 128
DATA_DIR = "/usr/share/datasets/fashion-mnist"
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models", "fashion_mnist")
CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
PER_CLASS = 10  # bundled test images per class


def read_idx(path):
    """Parse a gzipped IDX file (big-endian header: magic, then one uint32 per dim)."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    assert zero == 0 and dtype == 0x08, "expected unsigned byte IDX data"
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def write_png_gray8(path, img):
    """Minimal deterministic PNG writer (8-bit grayscale, no PIL needed)."""
    h, w = img.shape
    raw = b"".join(b"\x00" + img[y].tobytes() for y in range(h))  # filter type 0 per row

    def chunk(tag, body):
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def conv_bn(cin, cout, k, stride=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    return nn.Sequential(*layers, nn.ReLU6()) if act else nn.Sequential(*layers)


def dw_separable(cin, cout, stride):
    """MobileNetV1 block: depthwise 3x3 + BN + ReLU6, pointwise 1x1 + BN + ReLU6."""
    return nn.Sequential(conv_bn(cin, cin, 3, stride, groups=cin), conv_bn(cin, cout, 1))


class InvertedResidual(nn.Module):
    """MobileNetV2 block with identity shortcut: expand 1x1, depthwise 3x3, linear project 1x1, Add."""
    def __init__(self, c, expand):
        super().__init__()
        h = c * expand
        self.body = nn.Sequential(conv_bn(c, h, 1), conv_bn(h, h, 3, groups=h), conv_bn(h, c, 1, act=False))

    def forward(self, x):
        return x + self.body(x)


class FashionMobileNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            conv_bn(1, 16, 3),           # stem   16x28x28
            dw_separable(16, 32, 2),     #        32x14x14
            dw_separable(32, 64, 2),     #        64x7x7
            InvertedResidual(64, 2),     #        64x7x7 (the one residual Add)
            dw_separable(64, 96, 1))     #        96x7x7
        self.pool = nn.AdaptiveAvgPool2d(1)  # -> GlobalAveragePool
        self.fc = nn.Linear(96, len(CLASSES))

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))


def numpy_reference(model_proto, x):
    """Tiny numpy interpreter for the ops in our graph; checks the ONNX file independently of torch."""
    g = model_proto.graph
    env = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in g.initializer}
    env[g.input[0].name] = x.astype(np.float64)
    for n in g.node:
        a = {at.name: onnx.helper.get_attribute_value(at) for at in n.attribute}
        i = [env[name] if name else None for name in n.input]
        if n.op_type == "Constant":
            y = numpy_helper.to_array(a["value"]).astype(np.float64)
        elif n.op_type == "Conv":
            w, (sh, sw), grp = i[1], a.get("strides", [1, 1]), a.get("group", 1)
            p = a.get("pads", [0, 0, 0, 0])
            xp = np.pad(i[0], ((0, 0), (0, 0), (p[0], p[2]), (p[1], p[3])))
            win = np.lib.stride_tricks.sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]
            N, C, Ho, Wo, kh, kw = win.shape
            win = win.reshape(N, grp, C // grp, Ho, Wo, kh, kw)
            wg = w.reshape(grp, w.shape[0] // grp, C // grp, kh, kw)
            y = np.einsum("ngchwij,gocij->ngohw", win, wg).reshape(N, w.shape[0], Ho, Wo)
            if len(i) > 2 and i[2] is not None:
                y = y + i[2].reshape(1, -1, 1, 1)
        elif n.op_type == "BatchNormalization":
            s, b, m, v = (t.reshape(1, -1, 1, 1) for t in i[1:5])
            y = (i[0] - m) / np.sqrt(v + a.get("epsilon", 1e-5)) * s + b
        elif n.op_type == "Clip":
            y = np.clip(i[0], i[1], i[2])
        elif n.op_type == "Add":
            y = i[0] + i[1]
        elif n.op_type == "GlobalAveragePool":
            y = i[0].mean(axis=(2, 3), keepdims=True)
        elif n.op_type == "Flatten":
            y = i[0].reshape(i[0].shape[0], -1)
        elif n.op_type == "Gemm":
            w = i[1].T if a.get("transB", 0) else i[1]
            y = a.get("alpha", 1.0) * i[0] @ w + a.get("beta", 1.0) * i[2]
        else:
            raise NotImplementedError(n.op_type)
        env[n.output[0]] = y
    return env[g.output[0].name]


def main():
    random.seed(SEED)
    np.random.seed(SEED)
    torch.manual_seed(SEED)
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)

    xtr = read_idx(f"{DATA_DIR}/train-images-idx3-ubyte.gz")
    ytr = read_idx(f"{DATA_DIR}/train-labels-idx1-ubyte.gz")
    xte = read_idx(f"{DATA_DIR}/t10k-images-idx3-ubyte.gz")
    yte = read_idx(f"{DATA_DIR}/t10k-labels-idx1-ubyte.gz")
    prep = lambda u8: torch.from_numpy(u8.astype(np.float32)[:, None] / 255.0)  # x/255, NCHW
    Xtr, Ytr, Xte, Yte = prep(xtr), torch.from_numpy(ytr.astype(np.int64)), prep(xte), torch.from_numpy(yte.astype(np.int64))

    model = FashionMobileNet()
    nparams = sum(p.numel() for p in model.parameters())
    print(f"parameters: {nparams}")
    steps_per_epoch = (len(Xtr) + BATCH - 1) // BATCH
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=EPOCHS * steps_per_epoch)
    gen = torch.Generator().manual_seed(SEED)
    loss_fn = nn.CrossEntropyLoss()

    def predict(X):
        model.eval()
        with torch.no_grad():
            return torch.cat([model(X[k:k + 1000]) for k in range(0, len(X), 1000)])

    t0 = time.time()
    for epoch in range(EPOCHS):
        model.train()
        perm = torch.randperm(len(Xtr), generator=gen)
        total = 0.0
        for k in range(0, len(Xtr), BATCH):
            idx = perm[k:k + BATCH]
            xb = Xtr[idx]
            flip = torch.rand(len(idx), generator=gen) < 0.5  # random horizontal flip augmentation
            xb = torch.where(flip[:, None, None, None], xb.flip(3), xb)
            loss = loss_fn(model(xb), Ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        acc = (predict(Xte).argmax(1) == Yte).float().mean().item()
        print(f"epoch {epoch + 1}/{EPOCHS}: loss {total / len(Xtr):.4f}  test acc {acc:.4f}  ({time.time() - t0:.0f}s)")

    model.eval()
    test_acc = (predict(Xte).argmax(1) == Yte).float().mean().item()
    print(f"float test accuracy (10k): {test_acc:.4f}")

    # Bundled images: the first PER_CLASS t10k images of each class, in t10k order.
    os.makedirs(OUT_DIR, exist_ok=True)
    chosen = [(c, n, int(t)) for c in range(len(CLASSES))
              for n, t in enumerate(np.nonzero(yte == c)[0][:PER_CLASS])]
    sel = torch.tensor([t for _, _, t in chosen])
    logits = predict(Xte[sel])
    preds = logits.argmax(1)
    img_acc = (preds == Yte[sel]).float().mean().item()
    print(f"float accuracy on {len(chosen)} bundled images: {img_acc:.4f}")
    images = []
    for (c, n, t), p in zip(chosen, preds.tolist()):
        rel = f"images/{c}/{n}.png"
        os.makedirs(os.path.join(OUT_DIR, "images", str(c)), exist_ok=True)
        write_png_gray8(os.path.join(OUT_DIR, rel), xte[t])
        images.append({"path": rel, "label": c, "t10k_index": t, "float_pred": p})
    try:  # optional sanity check of our PNG writer
        from PIL import Image
        back = np.asarray(Image.open(os.path.join(OUT_DIR, images[0]["path"])))
        assert back.dtype == np.uint8 and np.array_equal(back, xte[chosen[0][2]])
    except ImportError:
        pass

    with open(os.path.join(OUT_DIR, "classes.txt"), "w") as f:
        f.write("\n".join(CLASSES) + "\n")

    # Export. PRESERVE (with the model in eval mode) skips the exporter's Conv+BN fusion pass,
    # so BatchNormalization nodes stay in the graph with running-stat (inference) semantics.
    onnx_path = os.path.join(OUT_DIR, "fashion_mobilenet.onnx")
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), onnx_path, opset_version=13,
                      input_names=["input"], output_names=["logits"], do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE)
    proto = onnx.load(onnx_path)
    onnx.checker.check_model(proto)
    hist = Counter(n.op_type for n in proto.graph.node)
    print("ONNX op histogram:", dict(sorted(hist.items())))
    assert hist["BatchNormalization"] > 0 and hist["Add"] == 1, "unexpected graph structure"
    assert all(len(n.output) == 1 for n in proto.graph.node if n.op_type == "BatchNormalization")

    # Check the ONNX graph with the numpy interpreter against torch on the bundled images.
    x_img = Xte[sel].numpy()
    ref = np.concatenate([numpy_reference(proto, x_img[k:k + 1]) for k in range(len(x_img))])
    max_diff = float(np.abs(ref - logits.numpy()).max())
    print(f"max |numpy(ONNX) - torch| logits diff over bundled images: {max_diff:.2e}")
    assert max_diff < 1e-3 and (ref.argmax(1) == preds.numpy()).all()

    expected = {
        "model": "fashion_mobilenet.onnx",
        "preprocessing": {"layout": "NCHW", "mean": 0.0, "std": 255.0, "note": "input = pixel / 255"},
        "parameters": nparams,
        "float_test_accuracy_10k": round(test_acc, 6),
        "float_accuracy_bundled_images": round(img_acc, 6),
        "first_image": {"path": images[0]["path"], "label": images[0]["label"],
                        "float_logits": [float(v) for v in logits[0]]},
        "images": images,
    }
    with open(os.path.join(OUT_DIR, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print(f"done in {time.time() - t0:.0f}s; outputs in {os.path.normpath(OUT_DIR)}")


if __name__ == "__main__":
    sys.exit(main())
