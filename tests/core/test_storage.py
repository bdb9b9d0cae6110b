"""File helpers over Django's storage: store under the exact name, read back, checksum, list a folder."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from core.storage import download, listing, sha256_of, upload


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path / "stored")


@pytest.fixture
def local_file(tmp_path):
    path = tmp_path / "export.csv.gz"
    path.write_bytes(b"id,created_at\n1,2024-01-01\n" * 1000)
    return path


def test_a_file_is_stored_under_exactly_its_name_and_read_back_whole(storage, local_file, tmp_path):
    assert upload(storage, "audit-archive/audit_logs_2024_01.csv.gz", local_file) == (
        "audit-archive/audit_logs_2024_01.csv.gz"
    )
    copy = tmp_path / "copy.csv.gz"
    download(storage, "audit-archive/audit_logs_2024_01.csv.gz", copy)
    assert copy.read_bytes() == local_file.read_bytes()


def test_storing_again_replaces_the_file_rather_than_adding_a_renamed_one(storage, local_file):
    storage.save("backups/latest.dump", ContentFile(b"the old backup"))
    upload(storage, "backups/latest.dump", local_file)
    assert listing(storage, "backups") == ["backups/latest.dump"]
    with storage.open("backups/latest.dump", "rb") as stored:
        assert stored.read() == local_file.read_bytes()


def test_a_storage_that_renames_the_file_is_an_error(tmp_path, local_file):
    class Renaming(FileSystemStorage):
        def get_available_name(self, name, max_length=None):
            return name + ".1"

    with pytest.raises(RuntimeError, match="renamed"):
        upload(Renaming(location=tmp_path / "stored"), "backups/latest.dump", local_file)


def test_the_checksum_is_the_sha256_of_the_whole_file(local_file):
    assert sha256_of(local_file) == hashlib.sha256(local_file.read_bytes()).hexdigest()


def test_a_folder_lists_its_files_by_full_name_in_order(storage):
    for name in ("backups/b.dump", "backups/a.dump", "backups/old/c.dump", "elsewhere/d.dump"):
        storage.save(name, ContentFile(b"x"))
    assert listing(storage, "backups/") == ["backups/a.dump", "backups/b.dump"]


def test_a_folder_that_does_not_exist_lists_nothing(storage):
    assert listing(storage, "audit-archive") == []
