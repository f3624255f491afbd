"""Personal data is masked for roles that may not see it; ID numbers are never stored raw."""

from hypothesis import given
from hypothesis import strategies as st

from wushe.privacy import id_number_digest, mask_id_number, mask_name, mask_payload, mask_phone, protect_payload


@given(st.text(alphabet="0123456789", min_size=7, max_size=15))
def test_a_masked_phone_keeps_only_the_ends(digits: str) -> None:
    masked = mask_phone(digits)
    assert len(masked) == len(digits)
    assert masked[:3] == digits[:3] and masked[-4:] == digits[-4:]
    assert set(masked[3:-4]) <= {"*"}


@given(st.sampled_from([15, 18]).flatmap(lambda n: st.text(alphabet="0123456789X", min_size=n, max_size=n)))
def test_a_masked_id_number_hides_the_birth_date(value: str) -> None:
    masked = mask_id_number(value)
    birth = slice(6, 14) if len(value) == 18 else slice(6, 12)
    assert len(masked) == len(value)
    assert set(masked[birth]) == {"*"}


def test_names_keep_the_first_character() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"


def test_payload_masking_depends_on_role() -> None:
    payload = {"name": "王小明", "phone": "13800138000", "skills": ["理发"]}
    assert mask_payload("volunteer", payload, "staff") == {"name": "王**", "phone": "138****8000", "skills": ["理发"]}
    assert mask_payload("volunteer", payload, "steward") == payload


def test_id_numbers_are_stored_as_keyed_hash_and_masked_form() -> None:
    stored = protect_payload({"name": "王小明", "id_number": "11010519491231002x"})
    assert "id_number" not in stored
    assert stored["id_number_masked"] == "110***********002x"
    assert stored["id_number_hash"] == id_number_digest("11010519491231002X")
    assert "19491231" not in str(stored)


def test_the_hash_depends_on_the_deployment_key(monkeypatch) -> None:
    monkeypatch.setenv("WUSHE_SECRET_KEY", "a" * 32)
    first = id_number_digest("11010519491231002X")
    monkeypatch.setenv("WUSHE_SECRET_KEY", "b" * 32)
    assert id_number_digest("11010519491231002X") != first


def test_a_machine_key_is_created_once_per_home_and_read_once(monkeypatch, tmp_path) -> None:
    from pathlib import Path

    from wushe import settings

    monkeypatch.delenv("WUSHE_SECRET_KEY", raising=False)
    reads = []
    read_text = Path.read_text
    monkeypatch.setattr(Path, "read_text", lambda self, *a, **k: reads.append(self) or read_text(self, *a, **k))
    monkeypatch.setenv("WUSHE_HOME", str(tmp_path / "one"))
    first = [id_number_digest("11010519491231002X") for _ in range(3)]
    assert len(set(first)) == 1 and len(reads) == 1
    assert (tmp_path / "one" / "secret.key").stat().st_mode & 0o077 == 0  # readable by its owner only
    monkeypatch.setenv("WUSHE_HOME", str(tmp_path / "two"))
    assert id_number_digest("11010519491231002X") != first[0]
    assert settings.secret_key() == (tmp_path / "two" / "secret.key").read_text().strip().encode()


def test_processes_starting_together_all_get_the_one_stored_key(tmp_path) -> None:
    """Partner processes of a first sync ask for the key at once: none may fail or read it half written."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from wushe.settings import _stored_key

    for attempt in range(30):
        folder = tmp_path / f"home{attempt}"
        start = Barrier(6)

        def key() -> bytes:
            start.wait()
            return _stored_key.__wrapped__(str(folder))  # as a fresh process would, without the cache

        with ThreadPoolExecutor(6) as pool:
            keys = {f.result() for f in [pool.submit(key) for _ in range(6)]}
        assert len(keys) == 1 and len(keys.pop()) == 64


@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=5))
def test_one_hasher_for_a_batch_digests_each_number_as_stored_before(values) -> None:
    """The batch hasher keeps the stored format (HMAC-SHA256 of the normalised number, 32 hex
    digits): hashes already in the registry must still match, and one value must not leak into the next."""
    import hashlib
    import hmac

    from wushe import settings
    from wushe.privacy import id_number_hasher

    digest = id_number_hasher()
    key = settings.secret_key()
    for value in values:
        expected = hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()[:32]
        assert digest(value) == expected == id_number_digest(value)
