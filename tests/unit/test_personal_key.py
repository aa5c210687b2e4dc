"""The personal-data key's subkeys are HKDF-SHA256 as ``cryptography`` computes it, and its
cipher is made only when a value is sealed or opened."""

from __future__ import annotations

import hashlib
import os

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from casework.storage.personal import derive, key_from_bytes

LABELS = ("check v1", "seal v1", "index v1", "anchor v1", "chain v1", "", "标签")


# Fixed keys: the workers of a parallel run must collect the same parameters (a random key is
# made once per worker); the third is as irregular as a random one.
@pytest.mark.parametrize(
    "master", [bytes(32), bytes(range(32)), hashlib.sha256(b"casework test key").digest()]
)
def test_each_subkey_is_cryptographys_hkdf(master: bytes) -> None:
    for label in LABELS:
        expected = HKDF(hashes.SHA256(), 32, b"casework", label.encode()).derive(master)
        assert derive(master, label) == expected, label


def test_the_cipher_is_made_when_first_used_and_seals_as_before() -> None:
    key = key_from_bytes(os.urandom(32), "test")
    assert key.aead is None
    token = key.seal("phone", "13800000000")
    cipher = key.aead
    assert cipher is not None
    assert key.open("phone", token) == "13800000000"
    assert key.aead is cipher  # made once
