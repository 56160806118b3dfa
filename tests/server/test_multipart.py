"""The streaming multipart parser gives the same parts however the body is cut into chunks."""

from __future__ import annotations

import pytest
from http_helpers import multipart
from hypothesis import given, settings
from hypothesis import strategies as st

from server_ext.errors import APIError
from server_ext.multipart import MultipartParser, PartHeaders, boundary_of
from server_ext.naming import split_filename


class Collect:
    def __init__(self) -> None:
        self.parts: list[tuple[PartHeaders, bytes]] = []

    def part_begin(self, headers: PartHeaders) -> None:
        self.parts.append((headers, b""))

    def part_data(self, data: bytes) -> None:
        headers, body = self.parts[-1]
        self.parts[-1] = (headers, body + data)

    def part_end(self) -> None:
        pass


def parse(body: bytes, content_type: str, cuts: list[int]) -> tuple[Collect, MultipartParser]:
    sink = Collect()
    parser = MultipartParser(boundary_of(content_type), sink)
    edges = [0, *sorted(c % (len(body) + 1) for c in cuts), len(body)]
    for start, end in zip(edges, edges[1:], strict=False):
        parser.feed(body[start:end])
    return sink, parser


@settings(max_examples=200, deadline=None)
@given(content=st.binary(max_size=3000), name=st.text(max_size=30),
       cuts=st.lists(st.integers(min_value=0), max_size=12))
def test_any_chunking_gives_the_same_parts(content: bytes, name: str, cuts: list[int]) -> None:
    body, content_type = multipart(content, "data.csv", fields={"name": name})
    sink, parser = parse(body, content_type, cuts)
    assert parser.finished
    (field, value), (file, data) = sink.parts
    assert (field.name, field.filename, value) == ("name", None, name.encode())
    assert (file.name, file.filename, data) == ("file", "data.csv", content)


def test_rfc2231_filename_is_decoded_but_only_a_label() -> None:
    disposition = ("form-data; name=\"file\"; filename=\"safe.csv\"; "
                   "filename*=UTF-8''..%2F..%2Ftmp%2Fx.csv")
    body, content_type = multipart(b"a\n1\n", disposition=disposition)
    sink, _ = parse(body, content_type, [])
    filename = sink.parts[0][0].filename
    assert filename in ("safe.csv", "../../tmp/x.csv")  # either way, only a label:
    assert split_filename(str(filename))[0] in ("safe", "x")


@pytest.mark.parametrize(("body", "message"), [
    (b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--", "no Content-Disposition"),
    (b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--", "no name"),
    (b"--b\r\n" + b"X: " + b"y" * 20000, "too long"),
    (b"--bXX", "not followed by CRLF"),
])
def test_malformed_bodies_are_400(body: bytes, message: str) -> None:
    with pytest.raises(APIError, match=message) as refused:
        MultipartParser(b"b", Collect()).feed(body)
    assert refused.value.status_code == 400


def test_content_type_must_be_multipart() -> None:
    with pytest.raises(APIError) as refused:
        boundary_of("application/json")
    assert refused.value.status_code == 415
    with pytest.raises(APIError):
        boundary_of("multipart/form-data")
