"""Uploaded files in S3-compatible object storage, shared by every app server.

Each object is stored with the headers the bucket answers with later: its type from its
name and the year-long Cache-Control of newsroom/media.py. S3 keeps only a few standard
headers with an object (Content-Type, Cache-Control, Content-Disposition, ...), never
X-Content-Type-Options: the CDN or proxy in front of the bucket must add
`X-Content-Type-Options: nosniff` (README, "Production").
"""

from storages.backends.s3 import S3Storage

from newsroom.media import CACHE_CONTROL, content_type


class ObjectStorage(S3Storage):
    def get_object_parameters(self, name):
        # The type from the name, not from the upload (django-storages would prefer an
        # uploaded file's claimed content_type).
        return {
            **super().get_object_parameters(name),
            "ContentType": content_type(name),
            "CacheControl": CACHE_CONTROL,
        }
