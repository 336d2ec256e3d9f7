#!/usr/bin/python3
"""Writes the small, deliberately broken dataset folders of the bad-input corpus (tests/corpus/data).

Run once after changing it; its output is committed, so the tests need no Python:
    /usr/bin/python3 tests/corpus/make_data.py
"""
import gzip
import os
import struct

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def idx_images(count, magic=0x00000803):
    pixels = bytes((i * 7) % 256 for i in range(count * 28 * 28))
    return struct.pack(">IIII", magic, count, 28, 28) + pixels


def idx_labels(count, top=10):
    return struct.pack(">II", 0x00000801, count) + bytes(i % top for i in range(count))


def write(folder, name, data):
    os.makedirs(os.path.join(HERE, folder), exist_ok=True)
    with open(os.path.join(HERE, folder, name), "wb") as f:
        f.write(data)


def idx_folder(folder, train=20, test=10, compress=True, **broken):
    files = {"train-images-idx3-ubyte": idx_images(train), "train-labels-idx1-ubyte": idx_labels(train),
             "t10k-images-idx3-ubyte": idx_images(test), "t10k-labels-idx1-ubyte": idx_labels(test)}
    files.update(broken)
    for name, data in files.items():
        if compress and not name.endswith(".gz"):
            name, data = name + ".gz", gzip.compress(data, mtime=0)
        write(folder, name, data)


def cifar_record(label):
    return bytes([label]) + bytes((label * 31 + i) % 256 for i in range(3072))


def cifar_folder(folder, **broken):
    files = {f"data_batch_{i}.bin": cifar_record(i) for i in range(1, 6)}
    files["test_batch.bin"] = cifar_record(0)
    files.update(broken)
    for name, data in files.items():
        write(folder, name, data)


idx_folder("idx_ok")
idx_folder("idx_bad_magic", compress=False, **{"t10k-images-idx3-ubyte": idx_images(10, magic=0x00000804)})
idx_folder("idx_truncated", compress=False, **{"train-images-idx3-ubyte": idx_images(20)[:-100]})
idx_folder("idx_bad_label", **{"t10k-labels-idx1-ubyte": idx_labels(10)[:-1] + bytes([12])})
whole = gzip.compress(idx_images(20), mtime=0)
idx_folder("idx_broken_gzip", **{"train-images-idx3-ubyte.gz": whole[: len(whole) // 2]})
cifar_folder("cifar_bad_size", **{"data_batch_3.bin": cifar_record(3) + b"\0" * 5})
cifar_folder("cifar_bad_label", **{"test_batch.bin": cifar_record(11)})
cifar_folder("cifar_missing")
os.remove(os.path.join(HERE, "cifar_missing", "data_batch_5.bin"))
