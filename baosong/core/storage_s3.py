"""The object-storage backend (BAOSONG_STORAGE=s3), apart so that a local deployment never imports boto3."""

from __future__ import annotations

from typing import Any

from django.utils.deconstruct import deconstructible
from storages.backends.s3 import S3Storage


@deconstructible(path="baosong.core.storage_s3.PrivateS3Storage")
class PrivateS3Storage(S3Storage):
    """A private bucket: objects are written with the private ACL and never linked to; downloads go
    through the views, which check access and decrypt."""

    def url(self, name: Any, parameters: Any = None, expire: Any = None, http_method: Any = None) -> str:
        # Refused on purpose, as Django's Storage.url does for a backend without links: a link would
        # bypass the views' access check and decryption.
        raise NotImplementedError("报送平台的文件只经由本系统下载，不生成对象存储链接。")
