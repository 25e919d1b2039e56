"""Private files (receipts, evidence, reports, certificate batches): where they live and how
they leave the portal.

One storage, `STORAGES["private"]`: the local folder by default, S3-compatible object storage
when `PORTAL_S3_BUCKET` is set, so every web node and worker sees the same files. Either way
an object's key is random (the folder from `upload_to`, then 32 random hex characters and the
extension), so nothing about a claim, report or person can be read from it or guessed from a
public id, and the files are only ever handed out by views that have checked permission.
"""

import mimetypes
import posixpath
import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.http import FileResponse, HttpResponseRedirect
from storages.backends.s3 import S3Storage


class RandomNameMixin:
    def generate_filename(self, filename):
        folder, name = posixpath.split(str(filename).replace("\\", "/"))
        ext = posixpath.splitext(name)[1].lower()[:10]
        return super().generate_filename(posixpath.join(folder, secrets.token_hex(16) + ext))


class PrivateFileSystemStorage(RandomNameMixin, FileSystemStorage):
    """The embedded default: MEDIA_ROOT on this host, never served as static media."""

    def __init__(self, **kwargs):
        # No base_url: these files have no public address.
        super().__init__(base_url=None, **kwargs)


class PrivateS3Storage(RandomNameMixin, S3Storage):
    """A private bucket: no public ACL, server-side encryption asked for on every object,
    signed URLs only, never overwriting an object."""

    default_acl = None  # the bucket's own policy: private, no public-read
    querystring_auth = True
    file_overwrite = False


def private_storage():
    """The storage every private FileField uses (a callable, so migrations name no backend)."""
    return storages["private"]


def private_file_response(field, *, filename: str, as_attachment: bool, content_type: str | None = None):
    """Hand over a private file that the caller has already checked the person may see.

    Streamed through the portal, so the permission check cannot be bypassed; only files
    larger than PORTAL_S3_SIGNED_URL_ABOVE_MB go by a redirect to a signed URL that expires
    after PORTAL_S3_SIGNED_URL_SECONDS (a gunicorn worker is not held for a 100 MB download).
    """
    content_type = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    threshold = int(settings.PORTAL_S3_SIGNED_URL_ABOVE_MB * 1024 * 1024)
    storage = field.storage
    if threshold and isinstance(storage, S3Storage) and field.size > threshold:
        disposition = "attachment" if as_attachment else "inline"
        url = storage.url(
            field.name,
            parameters={
                "ResponseContentDisposition": f'{disposition}; filename="{_ascii(filename)}"',
                "ResponseContentType": content_type,
            },
            expire=settings.PORTAL_S3_SIGNED_URL_SECONDS,
        )
        response = HttpResponseRedirect(url)
    else:
        response = FileResponse(field.open("rb"), as_attachment=as_attachment, filename=filename)
        response["Content-Type"] = content_type
    # A private file is never kept by a shared cache, nor by the browser after sign-out.
    response["Cache-Control"] = "private, no-store"
    return response


def _ascii(name: str) -> str:
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
