"""The sandbox wire format: only plain data crosses, and the trusted side refuses the rest."""
import io
import json
import struct

import numpy as np
import pytest

from autograder.sandbox.protocol import MAX_MESSAGE, Handle, ProtocolError, decode, encode, pack, unpack_from


def reader(data: bytes):
    return io.BytesIO(data).read


def wire(value):
    """The full trip a value makes: encode, frame, unframe, decode."""
    return decode(unpack_from(reader(pack({"v": encode(value)})))["v"])


def wire_data(data, resolve=None):
    return decode(unpack_from(reader(pack({"v": data})))["v"], resolve)


def frame(body: bytes, raw: bytes = b"") -> bytes:
    return struct.pack(">II", len(body), len(raw)) + body + raw


def array_body(dtype, shape, raw=b""):
    return {"dtype": dtype, "shape": shape, "data": raw}


def assert_same(got, want):
    """Equal and of exactly the same type, all the way down (an int is not a bool, a tuple not a list)."""
    assert type(got) is type(want), (got, want)
    if isinstance(want, (np.ndarray, np.generic)):
        assert got.dtype == want.dtype and got.shape == want.shape
        assert np.array_equal(got, want, equal_nan=want.dtype.kind in "fc")
    elif isinstance(want, (list, tuple)):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert_same(g, w)
    elif isinstance(want, dict):
        assert list(got) == list(want)
        for k in want:
            assert_same(got[k], want[k])
    elif isinstance(want, (float, complex)):
        assert repr(got) == repr(want)  # unlike ==, this matches nan and tells -0.0 from 0.0
    else:
        assert got == want


# -- what crosses, and comes back as exactly what was sent -----------------------------------------

@pytest.mark.parametrize("value", [
    None, True, False, 0, 1, -7, 2**53 - 1, -(2**53 - 1), 2**53, -(2**53), 10**30,
    0.0, -0.0, 1.5, float("nan"), float("inf"), float("-inf"),
    1 + 2j, complex(float("nan"), float("-inf")), "", "é\x00\U0001f600", b"", b"\x00\xff",
    [], (), {}, [1, (2, 3)], (1, [2]), {"a": (1,), "b": {"c": [None, b"x"]}},
    np.float64(1.5), np.float32(-2.0), np.int8(-3), np.uint64(2**64 - 1), np.complex64(1 - 1j), np.bool_(True),
    np.array(5), np.arange(6, dtype=np.int16).reshape(2, 3), np.array([True, False]),
    np.zeros((0, 3), dtype=np.float32), np.array([np.nan, 1.0]), np.array([1 + 1j], dtype=np.complex128),
], ids=repr)
def test_plain_data_round_trips_with_exact_types(value):
    assert_same(wire(value), value)


@pytest.mark.parametrize("value, on_wire", [
    (True, True), (1, 1), (2**53 - 1, 2**53 - 1),
    (2**53, {"__int__": str(2**53)}), (-(2**53), {"__int__": str(-(2**53))}),  # beyond a JSON double's exact ints
    (1.5, 1.5), (float("nan"), {"__float__": "nan"}), (float("-inf"), {"__float__": "-inf"}),
    (1 + 2j, {"__complex__": ["1.0", "2.0"]}), (b"\x00\xff", {"__bytes__": b"\x00\xff"}),
    ((1,), {"__tuple__": [1]}), ({"k": [1]}, {"__dict__": {"k": [1]}}),
])
def test_encoding_on_the_wire(value, on_wire):
    assert_same(encode(value), on_wire)


def test_arrays_go_contiguous_little_endian_and_come_back_fresh():
    big = np.arange(6, dtype=">i4").reshape(2, 3)[:, ::2]  # big-endian and not contiguous
    on_wire = encode(big)["__array__"]
    assert (on_wire["dtype"], on_wire["shape"]) == ("<i4", [2, 2])
    got = wire(big)
    assert_same(got, big.astype("<i4"))
    assert got.flags.owndata and got.flags.writeable  # a copy, not a view of the message buffer


def test_zero_d_array_and_scalar_stay_distinct():
    assert encode(np.array(5))["__array__"]["shape"] == []
    assert type(wire(np.array(5))) is np.ndarray and type(wire(np.int64(5))) is np.int64


def test_numpy_scalar_subclass_is_converted_to_a_plain_scalar():
    class Rigged(np.float64):
        def __eq__(self, other):
            return True

    got = wire(Rigged(1.5))
    assert type(got) is np.float64 and got == 1.5 and not got == 2.0


def test_reassigned_numpy_names_do_not_break_encoding(monkeypatch):
    # bound at import: a student rebinding numpy.ndarray must not change what is sent
    monkeypatch.setattr(np, "ndarray", type("Fake", (), {}))
    monkeypatch.setattr(np, "asarray", None)
    monkeypatch.setattr(np, "ascontiguousarray", None)
    assert encode(np.arange(2, dtype="<i2")) == {"__array__": {"dtype": "<i2", "shape": [2], "data": b"\x00\x00\x01\x00"}}


# -- exact types: subclasses and non-plain objects are refused, or become handles ---------------------

class RiggedInt(int):
    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


class MyHandle(Handle):
    __slots__ = ()


REFUSED = [
    RiggedInt(3), type("F", (float,), {})(1.0), type("S", (str,), {})("s"), type("B", (bytes,), {})(b"b"),
    type("L", (list,), {})([1]), type("T", (tuple,), {})((1,)), type("D", (dict,), {})(a=1),
    np.arange(3).view(type("A", (np.ndarray,), {})), np.ma.array([1, 2]),
    {1: "non-string key"}, {"a": 1, 2: "b"}, bytearray(b"x"), memoryview(b"x"), {1, 2}, frozenset(), object(),
    np.array([1], dtype=object), np.zeros(2, dtype="i4,f8"), np.array(["a"]), np.array([b"a"]),
    np.array(["2020-01-01"], dtype="M8[D]"), np.array([1], dtype="m8[s]"),
    np.str_("a"), np.bytes_(b"a"), np.datetime64(1, "s"), np.timedelta64(1, "s"), np.void(b"ab"),
    MyHandle(1, "Model"), [1, {2}], {"ok": [object()]},
]


@pytest.mark.parametrize("value", REFUSED, ids=lambda v: type(v).__name__)
def test_non_plain_values_are_refused_without_a_handle_maker(value):
    with pytest.raises(ProtocolError, match="cannot send an object of type"):
        encode(value)


@pytest.mark.parametrize("value", [RiggedInt(3), np.array([1], dtype=object), {1: 2}, MyHandle(1, "M")],
                         ids=lambda v: type(v).__name__)
def test_non_plain_values_become_handles_with_a_handle_maker(value):
    seen = []

    def make(obj):
        seen.append(obj)
        return Handle(7, "Thing")

    assert encode([value], make) == [{"__handle__": [7, "Thing"]}]
    assert len(seen) == 1 and seen[0] is value
    got = wire_data(encode([value], make))
    assert type(got[0]) is Handle and (got[0].id, got[0].type_name) == (7, "Thing")


def test_handles_cross_by_id_and_are_resolved_only_on_request():
    data = encode(Handle(3, "Sequential"))
    assert data == {"__handle__": [3, "Sequential"]}
    assert type(decode(data)) is Handle and decode(data).id == 3
    assert decode(data, lambda h: ("resolved", h.id, h.type_name)) == ("resolved", 3, "Sequential")
    assert decode({"__handle__": [1, "x" * 500]}).type_name == "x" * 200  # a long name is cut


@pytest.mark.parametrize("data", [True, 1, 1.5, "s", None])
def test_bool_and_int_stay_apart_when_decoded(data):
    assert type(decode(data)) is type(data)


@pytest.mark.parametrize("data", [(1,), {1, 2}, b"raw", 1j, RiggedInt(1), np.int64(1), np.array(1)],
                         ids=lambda v: type(v).__name__)
def test_decode_accepts_only_json_types(data):
    with pytest.raises(ProtocolError, match="unexpected value on the wire"):
        decode(data)


@pytest.mark.parametrize("data, message", [
    ({}, "unexpected value on the wire: dict"),
    ({"__int__": "1", "__float__": "1"}, "unexpected value on the wire: dict"),  # a plain dict has no form
    ({"a": 1}, "unknown tag 'a'"),
    ({"__set__": [1]}, "unknown tag '__set__'"),
    ({"__pickle__": "gASVAAAAAAAAAACMBXRpbWVzlC4="}, "unknown tag '__pickle__'"),
    ([1, {"__dict__": {"k": {"__object__": 1}}}], "unknown tag '__object__'"),
])
def test_decode_refuses_wrong_tags(data, message):
    with pytest.raises(ProtocolError, match=message):
        decode(data)


# -- nesting depth: 64 levels below the top, both ways ------------------------------------------------

NESTERS = {"list": lambda v: [v], "tuple": lambda v: (v,), "dict": lambda v: {"k": v}}


def nest(kind, levels):
    value = 1
    for _ in range(levels):
        value = NESTERS[kind](value)
    return value


@pytest.mark.parametrize("kind", NESTERS)
def test_nesting_up_to_the_limit_round_trips(kind):
    assert_same(wire(nest(kind, 64)), nest(kind, 64))


@pytest.mark.parametrize("kind", NESTERS)
def test_nesting_beyond_the_limit_is_refused_both_ways(kind):
    with pytest.raises(ProtocolError, match="nested too deeply"):
        encode(nest(kind, 65))
    on_wire = encode(nest(kind, 64))
    deeper = {"list": [on_wire], "tuple": {"__tuple__": [on_wire]}, "dict": {"__dict__": {"k": on_wire}}}[kind]
    with pytest.raises(ProtocolError, match="nested too deeply"):
        decode(deeper)


def test_a_cycle_is_refused_as_too_deep():
    loop = []
    loop.append(loop)
    with pytest.raises(ProtocolError, match="nested too deeply"):
        encode(loop)


# -- NumPy dtypes on the trusted side --------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["|b1", "|i1", "<i2", "<i4", "<i8", "|u1", "<u8", "<f2", "<f4", "<f8",
                                   "<c8", "<c16", ">i4", ">f8", "?", "int32", "float64"])
def test_decode_accepts_numeric_and_bool_dtypes(dtype):
    want = np.arange(3).astype(dtype)
    got = decode({"__array__": array_body(dtype, [3], want.tobytes())})
    assert type(got) is np.ndarray and got.dtype == np.dtype(dtype) and np.array_equal(got, want)


@pytest.mark.parametrize("dtype", ["O", "|O", "<U1", "|S1", "|V4", "<M8[ns]", "<m8[s]",
                                   "i4,f8", "(2,)i4", "<i4,O"])
def test_decode_refuses_other_dtypes(dtype):
    itemsize = np.dtype(dtype).itemsize
    for tag in ("__array__", "__scalar__"):
        with pytest.raises(ProtocolError, match="arrays of dtype .* are not allowed"):
            decode({tag: array_body(dtype, [] if tag == "__scalar__" else [1], b"\0" * itemsize)})


@pytest.mark.parametrize("shape, raw", [([2], b"\0" * 7), ([2], b"\0" * 9), ([], b""), ([3, 0], b"\0"),
                                        ([2**40, 2**40], b"\0" * 8)])
def test_decode_refuses_data_that_does_not_match_the_shape(shape, raw):
    with pytest.raises(ProtocolError, match="does not match its shape"):
        decode({"__array__": array_body("<f4", shape, raw)})


# -- malformed tag bodies: the other side may have written the pipe itself ----------------------------

@pytest.mark.parametrize("data", [
    {"__int__": [1]}, {"__int__": "abc"}, {"__int__": 1.5}, {"__float__": None}, {"__complex__": 5},
    {"__complex__": []}, {"__complex__": [1, 2]}, {"__bytes__": "abc"}, {"__bytes__": "YWJj"}, {"__bytes__": 5},
    {"__tuple__": 5}, {"__tuple__": "abc"}, {"__dict__": [1]}, {"__array__": 5}, {"__array__": {}},
    {"__array__": array_body("garbage", [0])}, {"__array__": array_body("<i4", [-1, 0])},
    {"__array__": array_body("<i4", [0, 2**64])}, {"__array__": array_body("<i4", "12")},
    {"__handle__": []}, {"__handle__": ["x", "Model"]}, {"__handle__": [1.9, "Model"]},
], ids=lambda d: repr(d)[:40])
def test_malformed_tag_bodies_raise_protocol_error(data):
    with pytest.raises(ProtocolError):
        decode(data)


# -- framing: two big-endian lengths, the JSON, then the raw bytes ------------------------------------

def test_pack_is_two_big_endian_lengths_then_compact_ascii_json():
    assert pack({"a": [1, 2]}) == b'\x00\x00\x00\x0b\x00\x00\x00\x00{"a":[1,2]}'
    data = pack({"s": "é"})
    assert data[8:] == b'{"s":"\\u00e9"}' and struct.unpack(">II", data[:8]) == (len(data) - 8, 0)


def test_bytes_travel_raw_after_the_json():
    data = pack({"a": b"xyz", "b": [b"", b"\x00\xff"]})
    n, size = struct.unpack(">II", data[:8])
    assert size == 5 and data[8 + n:] == b"xyz\x00\xff"
    assert json.loads(data[8:8 + n]) == {"a": {"__blob__": [0, 3]}, "b": [{"__blob__": [3, 0]}, {"__blob__": [3, 2]}]}
    assert unpack_from(reader(data)) == {"a": b"xyz", "b": [b"", b"\x00\xff"]}
    x = np.arange(6.0).reshape(2, 3)
    assert b"\x00" * 8 in pack({"v": encode(x)})  # the array's own bytes (0.0), not base64
    assert_same(wire(x), x)


@pytest.mark.parametrize("body, message", [
    (b'{"v":{"__blob__":[0,4]}}', "outside its raw bytes"),
    (b'{"v":{"__blob__":[2,2]}}', "outside its raw bytes"),
    (b'{"v":{"__blob__":[-1,1]}}', "outside its raw bytes"),
    (b'{"v":{"__blob__":"0,1"}}', "outside its raw bytes"),
    (b'{"v":{"__blob__":[0,1],"k":1}}', "only ever a key of its own"),
])
def test_a_frame_that_points_outside_its_raw_bytes_is_refused(body, message):
    with pytest.raises(ProtocolError, match=message):
        unpack_from(reader(frame(body, b"abc")))


def test_a_dict_that_looks_like_a_blob_cannot_be_sent():
    with pytest.raises(ProtocolError, match="the wire format uses it"):
        encode({"__blob__": [0, 1]})
    with pytest.raises(ProtocolError, match="unexpected value on the wire"):
        decode(unpack_from(reader(frame(b'{"v":{"__blob__":[0,1]}}', b"a")))["v"])  # bytes are only tag bodies


def test_frames_are_read_one_at_a_time_even_in_one_byte_reads():
    stream = io.BytesIO(pack({"n": 1}) + pack({"n": 2}))
    trickle = lambda n: stream.read(min(n, 1))  # noqa: E731 - a pipe may return fewer bytes than asked
    assert unpack_from(trickle) == {"n": 1} and unpack_from(trickle) == {"n": 2}


@pytest.mark.parametrize("data", [b"", b"\x00\x00\x00\x00\x00", frame(b'{"a":1}')[:-1],
                                  struct.pack(">II", 5, 0) + b"{}", frame(b'{"a":1}', b"xyz")[:-1]],
                         ids=["empty", "short header", "short body", "length too long", "short raw bytes"])
def test_truncated_frames_are_eof(data):
    with pytest.raises(EOFError, match="closed the channel"):
        unpack_from(reader(data))


def test_an_oversized_frame_is_refused_before_its_body_is_read():
    asked = []
    header = struct.pack(">II", MAX_MESSAGE - 9, 10)  # the JSON and the raw bytes count together

    def read(n):
        asked.append(n)
        return header if n == 8 else b"x" * n

    with pytest.raises(ProtocolError, match=f"message of {MAX_MESSAGE + 1} bytes is larger than allowed"):
        unpack_from(read)
    assert asked == [8]
    with pytest.raises(EOFError):  # exactly the limit is allowed: it goes on to read the body
        unpack_from(reader(struct.pack(">II", MAX_MESSAGE - 10, 10)))


@pytest.mark.parametrize("body", [b"[]", b"1", b'"s"', b"null", b"true", b"[{}]"])
def test_a_message_must_be_a_json_object(body):
    with pytest.raises(ProtocolError, match="a message must be an object"):
        unpack_from(reader(frame(body)))


@pytest.mark.parametrize("body", [b"", b"garbage", b'{"a":', b'{"a":1}{"b":2}', b'{"a":"\xff"}', b'{"a":"\xc3"}',
                                  b"\xff\xfe\x00", '{"a":1}'.encode("utf-16")])
def test_garbage_and_non_utf8_bodies_are_protocol_errors(body):
    with pytest.raises(ProtocolError, match="not UTF-8 JSON"):
        unpack_from(reader(frame(body)))


def test_deeply_nested_json_in_a_frame_is_a_protocol_error():
    with pytest.raises(ProtocolError, match="nested too deeply"):
        unpack_from(reader(frame(b'{"v":' + b"[" * 100_000 + b"]" * 100_000 + b"}")))


def test_a_reply_that_is_not_plain_data_is_the_students_error_not_the_graders():
    from autograder.student import Student, StudentError

    student = Student(lambda message: {"value": {"__complex__": 5}})
    with pytest.raises(StudentError, match="not plain data") as caught:
        student.relu(1.0)
    assert caught.value.function == "relu" and caught.value.type == "ProtocolError"


def test_an_integer_too_long_to_print_is_refused_as_protocol_error():
    with pytest.raises(ProtocolError, match="too large to send"):
        encode(10**5000)
