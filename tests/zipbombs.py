"""Zip files of a few hundred KB whose one member inflates to hundreds of MB: the hostile inputs of
every reader of .docx and .xlsx.

zlib takes a second and a half to pack 300 MB, and each test process packed each bomb again.  Here
one megabyte is deflated and ended with a full flush, which closes the block and forgets the window,
so that the same bytes, repeated, are a valid stream of the whole; only the CRC reads every byte."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

MB = 1 << 20
_TIME, _DATE = 0, (2020 - 1980) << 9 | 1 << 5 | 1  # 2020-01-01 00:00


def zip_bomb(path: Path, member: str, megabytes: int, fill: bytes = b"\0",
             before: tuple[tuple[str, str], ...] = ()) -> None:
    """Write to ``path`` a zip whose ``member`` inflates to ``megabytes`` of ``fill`` repeated,
    after the small members ``before`` (name, text)."""
    members = [(name, _deflated(text.encode("utf-8"))) for name, text in before]
    members.append((member, _repeated(fill * (MB // len(fill)), megabytes)))
    path.write_bytes(_archive(members))


def _deflated(data: bytes) -> tuple[bytes, int, int]:
    """(raw deflate stream, CRC-32, size) of ``data``."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)


def _repeated(block: bytes, times: int) -> tuple[bytes, int, int]:
    """(raw deflate stream, CRC-32, size) of ``block`` repeated ``times`` times."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    one = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush()  # an empty last block
    crc = 0
    for _ in range(times):
        crc = zlib.crc32(block, crc)
    return one * times + end, crc, len(block) * times


def _archive(members: list[tuple[str, tuple[bytes, int, int]]]) -> bytes:
    """A zip of deflated members (every size under 4 GB: no ZIP64)."""
    body, directory = bytearray(), bytearray()
    for name, (data, crc, size) in members:
        encoded = name.encode("utf-8")
        fields = struct.pack("<HHHHHIIIH", 20, 0x800, 8, _TIME, _DATE, crc, len(data), size, len(encoded))
        directory += b"PK\1\2" + struct.pack("<H", 20) + fields + struct.pack("<HHHHII", 0, 0, 0, 0, 0, len(body))
        directory += encoded
        body += b"PK\3\4" + fields + struct.pack("<H", 0) + encoded + data
    end = b"PK\5\6" + struct.pack("<HHHHIIH", 0, 0, len(members), len(members), len(directory), len(body), 0)
    return bytes(body + directory + end)
