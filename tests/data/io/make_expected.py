#!/usr/bin/python3
"""Makes the expected outputs of tests/unit/io_*_test.cc with Pillow and numpy.

Run by hand with Debian's python3 (Pillow 9.4, numpy 1.24: the versions
shared/models/MODELS.md measured with), from this folder:
    /usr/bin/python3 make_expected.py [path/to/shared]
It rewrites the images, the .npy files and prints the checksums the tests
hard-code. Everything is deterministic (formulas, no random numbers).
"""
import math
import os
import sys

import numpy as np
from PIL import Image

SHARED = sys.argv[1] if len(sys.argv) > 1 else '../../../../shared'
TENCH = os.path.join(SHARED, 'data/imagenet/n01440764/n01440764_tench.JPEG')


def checksum(a):
    """sum(v[i] * ((i * 2654435761) mod 2^32)) mod 2^64 over the bytes in C order."""
    v = np.ascontiguousarray(a).reshape(-1).view(np.uint8).astype(np.uint64)
    i = np.arange(v.size, dtype=np.uint64)
    w = (i * np.uint64(2654435761)) & np.uint64(0xffffffff)
    return int(np.sum(v * w, dtype=np.uint64))


def hwc(image):
    a = np.asarray(image)
    return a if a.ndim == 3 else a[:, :, None]


def resize_short(image, n):
    """torchvision Resize(n) on a PIL image."""
    w, h = image.size
    if w <= h:
        size = (n, int(n * h / w))
    else:
        size = (int(n * w / h), n)
    return image.resize(size, Image.BILINEAR)


def center_crop(image, ch, cw):
    """torchvision CenterCrop (crop no larger than the image)."""
    w, h = image.size
    top, left = int(round((h - ch) / 2.0)), int(round((w - cw) / 2.0))
    return image.crop((left, top, left + cw, top + ch))


def gradient():
    h, w = 47, 61
    y, x = np.mgrid[0:h, 0:w]
    r = (x * 4 + y) % 256  # wraps: hard edges
    g = (y * 5) % 256
    b = 128 + 127 * np.sin(x / 3.0) * np.cos(y / 4.0)
    return Image.fromarray(np.stack([r, g, b], -1).astype(np.uint8), 'RGB')


def gray():
    h, w = 15, 20
    y, x = np.mgrid[0:h, 0:w]
    return Image.fromarray(((x * 13 + y * y * 3) % 256).astype(np.uint8), 'L')


def main():
    grad = gradient()
    grad.save('gradient.png')
    gray().save('gray.png')
    Image.open(TENCH).crop((140, 100, 204, 148)).save('photo_patch.png')  # 64x48, lossless now
    grad, gray_image, photo = Image.open('gradient.png'), Image.open('gray.png'), Image.open('photo_patch.png')

    np.save('gradient_17x23.npy', hwc(grad.resize((23, 17), Image.BILINEAR)))
    up = hwc(grad.resize((130, 100), Image.BILINEAR))
    np.save('gradient_100x130_crop.npy', up[40:56, 50:66])
    print('gradient 100x130 checksum', checksum(up))
    np.save('gray_40x33.npy', hwc(gray_image.resize((33, 40), Image.BILINEAR)))
    np.save('photo_short37.npy', hwc(resize_short(photo, 37)))
    np.save('photo_gray_short20.npy', hwc(resize_short(photo.convert('L'), 20)))

    # The whole recipe: short side 32, center crop 24x20 (left = round(10.5)
    # = 10), torchvision's mean/std on 0..255, NCHW.
    x = np.asarray(center_crop(resize_short(grad, 32), 24, 20), dtype=np.float32)
    mean = np.array([123.675, 116.28, 103.53], dtype=np.float32)
    std = np.array([58.395, 57.12, 57.375], dtype=np.float32)
    np.save('gradient_recipe_nchw.npy', ((x - mean) / std).transpose(2, 0, 1)[None])

    # A real JPEG, short side 256 -> 183 (mobilenet_v1_0.5_160's recipe).
    tench = Image.open(TENCH)
    print('tench decoded checksum', checksum(hwc(tench)))
    small = hwc(resize_short(tench, 183))
    print('tench 183 shape', small.shape, 'checksum', checksum(small))
    np.save('tench_183_crop.npy', small[83:99, 113:129])

    # Other formats and modes: BMP, alpha and palette PNGs, JPEGs (24x20
    # pieces of the gradient; what libjpeg-turbo gives for them is stored).
    piece = grad.crop((5, 3, 29, 23))
    piece.save('small.bmp')
    rgba = np.concatenate([hwc(piece), np.full((20, 24, 1), 77, np.uint8)], -1)
    Image.fromarray(rgba, 'RGBA').save('rgba.png')
    Image.fromarray(rgba[:, :, 1::2], 'LA').save('la.png')
    piece.quantize(7).save('palette.png')
    np.save('palette_as_rgb.npy', hwc(Image.open('palette.png').convert('RGB')))
    piece.save('small.jpg', quality=90)
    piece.save('small_progressive.jpg', quality=90, progressive=True)
    piece.convert('L').save('gray.jpg', quality=90)
    for name in ['small.jpg', 'small_progressive.jpg', 'gray.jpg']:
        np.save(name.replace('.jpg', '_pillow.npy'), hwc(Image.open(name)))

    # .npy files as numpy writes them.
    os.makedirs('npy', exist_ok=True)
    np.save('npy/f4.npy', np.array([[1.5, -2.0, 3.25], [0.0, 1e-3, -7.0]], dtype='<f4'))
    np.save('npy/f2.npy', np.array([1.0, -0.5, 65504.0, 6e-8], dtype='<f2'))
    np.save('npy/f8.npy', np.array(0.1, dtype='<f8'))
    np.save('npy/i1.npy', np.array([-128, 0, 127], dtype='i1'))
    np.save('npy/u1.npy', np.arange(6, dtype='u1').reshape(1, 2, 3))
    np.save('npy/i2.npy', np.array([-32768, 32767], dtype='<i2'))
    np.save('npy/i4.npy', np.array([[-5], [70000]], dtype='<i4'))
    np.save('npy/i8.npy', np.array([-(1 << 40), 3], dtype='<i8'))
    np.save('npy/b1.npy', np.array([True, False, True]))
    np.save('npy/empty.npy', np.zeros((2, 0), dtype='<f4'))
    np.save('npy/fortran.npy', np.asfortranarray(np.ones((2, 3), dtype='<f4')))
    np.save('npy/big_endian.npy', np.ones(3, dtype='>f4'))
    np.save('npy/u2.npy', np.ones(3, dtype='<u2'))
    for version in [(2, 0), (3, 0)]:
        with open('npy/v%d.npy' % version[0], 'wb') as f:
            np.lib.format.write_array(f, np.array([[1, 2], [3, 4]], dtype='<i4'), version=version)


if __name__ == '__main__':
    main()
