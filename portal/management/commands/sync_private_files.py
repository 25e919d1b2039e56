import hashlib
import json
import posixpath
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from portal.storage import private_storage


def walk(storage, folder=""):
    """Every file name in the storage, whichever backend it is (folder or bucket)."""
    folders, files = storage.listdir(folder)
    for name in files:
        yield posixpath.join(folder, name) if folder else name
    for sub in folders:
        yield from walk(storage, posixpath.join(folder, sub) if folder else sub)


def sha256(fileobj) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


class Command(BaseCommand):
    help = (
        "Copy every private file (receipts, evidence, reports) out of the private storage into a "
        "folder, with a manifest of checksums (--to), or back into it (--from). Works the same on "
        "the local folder and on a bucket, so it also moves an installation onto object storage."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--to", type=Path, help="Folder to copy the files into (a backup).")
        group.add_argument("--from", dest="source", type=Path, help="Folder made by --to (a restore).")

    def handle(self, *args, to=None, source=None, **options):
        storage = private_storage()
        if to is not None:
            self._export(storage, to)
        else:
            self._import(storage, source)

    def _export(self, storage, folder: Path):
        manifest = {}
        for name in walk(storage):
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(name, "rb") as src, target.open("wb") as out:
                for chunk in iter(lambda: src.read(1024 * 1024), b""):
                    out.write(chunk)
            with target.open("rb") as written:
                manifest[name] = sha256(written)
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
        self.stdout.write(f"Copied {len(manifest)} file(s) to {folder}.")

    def _import(self, storage, folder: Path):
        manifest_path = folder / "manifest.json"
        if not manifest_path.exists():
            raise CommandError(f"{manifest_path} is missing: not a folder made by --to.")
        manifest = json.loads(manifest_path.read_text())
        copied = skipped = 0
        for name, digest in manifest.items():
            path = folder / name
            with path.open("rb") as f:
                if sha256(f) != digest:
                    raise CommandError(f"{name} does not match its checksum: the backup is damaged.")
            if storage.exists(name):
                skipped += 1  # restoring twice, or into a store that kept it: same key, same file
                continue
            with path.open("rb") as f:
                saved = storage.save(name, File(f))
            if saved != name:
                raise CommandError(f"{name} was stored as {saved}: restore into an empty store.")
            copied += 1
        self.stdout.write(f"Restored {copied} file(s), {skipped} already there.")
