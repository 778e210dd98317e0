#!/usr/bin/env python3
"""damage_blocks.py SRC DST SEED: copies the Xapian glass database SRC to DST
and damages 1 to 8 random blocks of its tables, deterministically from SEED,
the ways a disk or a bad copy damages them: a block zeroed, filled with
random bytes, replaced by another block of the same table (structure that
looks right in the wrong place), a few bytes changed, or the tail of a
block overwritten, or its directory end put off by one (the one damage,
found by this test, on which Xapian 1.4.22 loops for ever instead of
failing: the binary search in such a block never narrows). Prints one line
per damage ("table block kind"). Used by tests/cli/test_damaged_index.sh.

damage_blocks.py --dir-end SRC DST TABLE: the copy with the directory end
of every leaf block of TABLE put off by one, and nothing else (the
regression test of that loop, tests/cli/test_damaged_hang.sh)."""
import os
import random
import shutil
import struct
import sys

BLOCK = 8192  # glass's default block size (tracuu never changes it)
TABLES = ("postlist.glass", "termlist.glass", "docdata.glass", "position.glass")
DIR_START = 11  # a block: revision (4 bytes), level (1), max free (2), total free (2),
DIR_END_AT = 9  # directory end (2, big-endian), then the directory: 2 bytes an item


def dir_end_off_by_one(f, b):
    """Puts block b's directory end one byte short, if it is a leaf block
    (level 0) whose directory end is sound; True when it did."""
    f.seek(b * BLOCK)
    head = f.read(DIR_START)
    if len(head) < DIR_START or head[4] != 0:
        return False
    (end,) = struct.unpack(">H", head[DIR_END_AT:DIR_START])
    if end < DIR_START + 2 or end > BLOCK or (end - DIR_START) % 2:
        return False
    f.seek(b * BLOCK + DIR_END_AT)
    f.write(struct.pack(">H", end - 1))
    return True


def dir_ends(src, dst, table):
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    path = os.path.join(dst, table)
    with open(path, "r+b") as f:
        for b in range(os.path.getsize(path) // BLOCK):
            if dir_end_off_by_one(f, b):
                print(table, b, "dir_end")


def main():
    if sys.argv[1] == "--dir-end":
        dir_ends(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    src, dst, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    r = random.Random(seed)
    shutil.rmtree(dst, ignore_errors=True)
    shutil.copytree(src, dst)
    tables = [t for t in TABLES if os.path.getsize(os.path.join(dst, t)) >= BLOCK]
    for _ in range(r.randint(1, 8)):
        table = r.choice(tables)
        path = os.path.join(dst, table)
        blocks = os.path.getsize(path) // BLOCK
        b = r.randrange(blocks)
        kind = r.choice(("zero", "random", "copy", "bytes", "tail", "dir_end"))
        with open(path, "r+b") as f:
            if kind == "zero":
                f.seek(b * BLOCK)
                f.write(bytes(BLOCK))
            elif kind == "random":
                f.seek(b * BLOCK)
                f.write(r.randbytes(BLOCK))
            elif kind == "copy":
                f.seek(r.randrange(blocks) * BLOCK)
                data = f.read(BLOCK)
                f.seek(b * BLOCK)
                f.write(data)
            elif kind == "bytes":
                for _ in range(r.randint(1, 16)):
                    f.seek(b * BLOCK + r.randrange(BLOCK))
                    f.write(bytes([r.randrange(256)]))
            elif kind == "dir_end":
                if not dir_end_off_by_one(f, b):
                    kind = "dir_end (not a leaf: unchanged)"
            else:
                at = r.randrange(16, BLOCK)
                f.seek(b * BLOCK + at)
                f.write(r.randbytes(r.randint(1, min(64, BLOCK - at))))
        print(table, b, kind)


if __name__ == "__main__":
    main()
