#!/usr/bin/env python3
"""Draws the web app's icons (lottopro-http/src/web/static/icon-*.png): the
favicon's yellow ball in a white ring on the accent blue, written as PNG with
the standard library only. Run it again after changing the colours."""

import pathlib
import struct
import zlib

STATIC = pathlib.Path(__file__).resolve().parents[1] / "lottopro-http" / "src" / "web" / "static"
BACKGROUND = (0x24, 0x56, 0xA6)
BALL = (0xF2, 0xB6, 0x00)
RING = (0xFF, 0xFF, 0xFF)


def icon(size: int) -> bytes:
    centre, ball, ring = size / 2, size * 0.34, size * 0.40
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            # 4 × 4 samples per pixel for smooth edges.
            acc = [0, 0, 0]
            for sy in range(4):
                for sx in range(4):
                    px, py = x + (sx + 0.5) / 4, y + (sy + 0.5) / 4
                    d = ((px - centre) ** 2 + (py - centre) ** 2) ** 0.5
                    colour = BALL if d <= ball else RING if d <= ring else BACKGROUND
                    for i in range(3):
                        acc[i] += colour[i]
            row += bytes(a // 16 for a in acc)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    for size in (192, 512):
        (STATIC / f"icon-{size}.png").write_bytes(icon(size))
