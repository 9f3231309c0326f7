"""Plain-data wire format between the grader and the sandboxed student process.

Only data crosses: None, bool, int, float, complex, str, bytes, list, tuple, dict
with string keys, NumPy arrays and scalars of numeric or bool dtype, and opaque
handles that name an object living inside the sandbox.  A frame is JSON for
the structure and, after it, the raw bytes of its arrays and bytes values:
base64 in JSON would cost more than the student's own code for the large
arrays the tests send.  Decoding builds fresh
built-in objects, so a student object with a rigged ``__eq__`` can never reach
the code that judges it.  No pickle is involved on either side.

This module runs inside the sandbox too, so it imports only the standard
library and NumPy.
"""
from __future__ import annotations

import json
import math
import struct

import numpy as np

MAX_MESSAGE = 256 * 1024 * 1024
# Bound once, at import: a student who reassigns numpy.ndarray must not break the wire.
_NDARRAY, _GENERIC, _ASARRAY, _CONTIGUOUS = np.ndarray, np.generic, np.asarray, np.ascontiguousarray
_ALLOWED_KINDS = "biufc"  # bool, int, uint, float, complex


class ProtocolError(ValueError):
    """The other side sent something that is not plain data."""


class Handle:
    """An object that stays inside the sandbox (a Keras model, say)."""

    __slots__ = ("id", "type_name")

    def __init__(self, id: int, type_name: str):
        self.id = id
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name} in the sandbox>"


def encode(value, make_handle=None):
    """Turn value into JSON-able data.  Objects that are not plain data become
    handles through make_handle(obj) -> Handle, or raise if there is none."""
    return _enc(value, make_handle, depth=0)


def _enc(v, mk, depth):
    if depth > 64:
        raise ProtocolError("value is nested too deeply")
    t = type(v)  # exact types only: subclasses could carry rigged behaviour
    if v is None or t is bool or t is str:
        return v
    if t is int:
        if abs(v) < 2**53:
            return v
        try:
            return {"__int__": str(v)}
        except ValueError as exc:  # more digits than Python will print
            raise ProtocolError("an integer is too large to send") from exc
    if t is float:
        return v if math.isfinite(v) else {"__float__": repr(v)}
    if t is complex:
        return {"__complex__": [repr(v.real), repr(v.imag)]}
    if t is bytes:
        return {"__bytes__": v}
    if t is list or t is tuple:
        items = [_enc(x, mk, depth + 1) for x in v]
        return items if t is list else {"__tuple__": items}
    if t is dict and all(type(k) is str for k in v):
        if BLOB in v:
            raise ProtocolError(f"a dict with the key {BLOB!r} cannot be sent: the wire format uses it")
        return {"__dict__": {k: _enc(x, mk, depth + 1) for k, x in v.items()}}
    if isinstance(v, _GENERIC) and v.dtype.kind in _ALLOWED_KINDS:
        return {"__scalar__": _enc_array(_ASARRAY(v))}
    if t is _NDARRAY and v.dtype.kind in _ALLOWED_KINDS:
        return {"__array__": _enc_array(v)}
    if t is Handle:
        return {"__handle__": [v.id, v.type_name]}
    if mk is None:
        raise ProtocolError(f"cannot send an object of type {t.__name__}")
    h = mk(v)
    return {"__handle__": [h.id, h.type_name]}


def _enc_array(a):
    shape = list(a.shape)  # before ascontiguousarray, which makes a 0-d array 1-d
    a = _CONTIGUOUS(a)
    dt = a.dtype.newbyteorder("<") if a.dtype.byteorder == ">" else a.dtype
    return {"dtype": dt.str, "shape": shape, "data": a.astype(dt).tobytes()}


def decode(data, resolve_handle=None):
    """Inverse of encode.  resolve_handle(Handle) may swap a handle for the
    object it names (inside the sandbox); otherwise handles stay handles.

    Anything that is not what encode makes raises ProtocolError, never another
    exception: the other side may be a student's process that wrote the pipe itself."""
    try:
        return _dec(data, resolve_handle, depth=0)
    except ProtocolError:
        raise
    except (TypeError, ValueError, LookupError, AttributeError, OverflowError) as exc:
        raise ProtocolError(f"malformed value on the wire ({type(exc).__name__}: {exc})") from exc


def _body(body, *types):
    if type(body) not in types:
        raise ProtocolError(f"a tagged value holds a {type(body).__name__}")
    return body


def _dec(d, rh, depth):
    if depth > 64:
        raise ProtocolError("value is nested too deeply")
    if d is None or type(d) in (bool, str, float, int):
        return d
    if type(d) is list:
        return [_dec(x, rh, depth + 1) for x in d]
    if type(d) is not dict or len(d) != 1:
        raise ProtocolError(f"unexpected value on the wire: {type(d).__name__}")
    (tag, body), = d.items()
    if tag == "__int__":
        return int(_body(body, str))
    if tag == "__float__":
        return float(_body(body, str))
    if tag == "__complex__":
        real, imag = _body(body, list)
        return complex(float(_body(real, str)), float(_body(imag, str)))
    if tag == "__bytes__":
        return _body(body, bytes)
    if tag == "__tuple__":
        return tuple(_dec(x, rh, depth + 1) for x in _body(body, list))
    if tag == "__dict__":
        return {k: _dec(x, rh, depth + 1) for k, x in _body(body, dict).items()}
    if tag == "__array__":
        return _dec_array(_body(body, dict))
    if tag == "__scalar__":
        return _dec_array(_body(body, dict))[()]
    if tag == "__handle__":
        id, type_name = _body(body, list)
        h = Handle(_body(id, int), _body(type_name, str)[:200])
        return rh(h) if rh else h
    raise ProtocolError(f"unknown tag {tag!r}")


def _dec_array(body):
    dt = np.dtype(_body(body["dtype"], str))
    if dt.kind not in _ALLOWED_KINDS or dt.hasobject:
        raise ProtocolError(f"arrays of dtype {dt} are not allowed")
    shape = tuple(_body(n, int) for n in _body(body["shape"], list))
    if any(n < 0 for n in shape):
        raise ProtocolError("an array's shape has a negative length")
    raw = _body(body["data"], bytes)
    if len(raw) != math.prod(shape) * dt.itemsize:
        raise ProtocolError("array data does not match its shape")
    return np.frombuffer(raw, dtype=dt).reshape(shape).copy()


# Framing: two 4-byte big-endian lengths (the JSON's, the raw bytes'), the ASCII JSON, then the
# raw bytes.  In the JSON, {"__blob__": [offset, length]} stands for bytes cut from the raw part.

BLOB = "__blob__"
_HEADER = struct.Struct(">II")


def pack(message: dict) -> bytes:
    blobs, size = [], 0

    def blob(value):
        nonlocal size
        if type(value) is not bytes:
            raise TypeError(f"cannot send an object of type {type(value).__name__}")
        blobs.append(value)
        size += len(value)
        return {BLOB: [size - len(value), len(value)]}

    body = json.dumps(message, separators=(",", ":"), default=blob).encode()
    return _HEADER.pack(len(body), size) + body + b"".join(blobs)


def through_the_wire(message: dict) -> dict:
    """message as the other side of a pipe would read it (for a student served in this process)."""
    import io

    return unpack_from(io.BytesIO(pack(message)).read)


def read_exact(fd_read, n: int) -> bytes:
    """fd_read(k) -> up to k bytes ('' at EOF)."""
    chunks, got = [], 0
    while got < n:
        b = fd_read(n - got)
        if not b:
            raise EOFError("the other side closed the channel")
        chunks.append(b)
        got += len(b)
    return b"".join(chunks)


def unpack_from(fd_read) -> dict:
    n, size = _HEADER.unpack(read_exact(fd_read, _HEADER.size))
    if n + size > MAX_MESSAGE:
        raise ProtocolError(f"message of {n + size} bytes is larger than allowed")
    raw = read_exact(fd_read, n)
    blobs = read_exact(fd_read, size) if size else b""

    def cut(pairs):
        if not any(key == BLOB for key, _ in pairs):
            return dict(pairs)
        if len(pairs) != 1:
            raise ProtocolError(f"{BLOB!r} is only ever a key of its own")
        where = pairs[0][1]
        if (type(where) is not list or len(where) != 2 or any(type(k) is not int or k < 0 for k in where)
                or where[0] + where[1] > size):
            raise ProtocolError("a message points outside its raw bytes")
        return blobs[where[0]:where[0] + where[1]]

    try:
        msg = json.loads(raw.decode("utf-8"), object_pairs_hook=cut)
    except RecursionError as exc:  # json's own parser recurses once per bracket
        raise ProtocolError("a message is nested too deeply") from exc
    except ProtocolError:
        raise
    except ValueError as exc:
        raise ProtocolError(f"a message is not UTF-8 JSON ({exc})") from exc
    if type(msg) is not dict:
        raise ProtocolError("a message must be an object")
    return msg
