"""The file storages of a deployment (attachments, signed documents, the render cache), as STORAGES entries.

Pure configuration, no Django import: config/settings.py calls it with the environment's values, and the
tests call it to point a running process at a moto_server. See docs/deployment.md «文件存储».
"""

from __future__ import annotations

from typing import Any

from config.env import ConfigError

# Alias -> (the setting naming its local directory, its folder under BAOSONG_FILES_DIR and in the bucket).
# The folders are the data directory's layout of before the storage API, so an upgrade finds its files.
FILE_STORAGES: dict[str, tuple[str, str]] = {
    "attachments": ("ATTACHMENT_ROOT", "attachments"),
    "signed": ("SIGNED_DOCUMENT_DIR", "signed"),
    "documents": ("DOCUMENT_CACHE_DIR", "cache/documents"),
}


def file_storages(
    kind: str,
    *,
    bucket: str = "",
    endpoint_url: str = "",
    access_key: str = "",
    secret_key: str = "",
    region: str = "us-east-1",
    prefix: str = "",
    addressing_style: str = "path",
) -> dict[str, dict[str, Any]]:
    """The STORAGES entries of BAOSONG_STORAGE=``kind``: "local" (directories named by settings, which a
    shared NFS/CIFS mount may hold) or "s3" (one private bucket, one folder per alias under ``prefix``)."""
    if kind == "local":
        return {
            alias: {"BACKEND": "baosong.core.storage.LocalFiles", "OPTIONS": {"setting": setting}}
            for alias, (setting, _) in FILE_STORAGES.items()
        }
    if kind != "s3":
        raise ConfigError(f"BAOSONG_STORAGE must be 'local' or 's3', got {kind!r}")
    if not bucket:
        raise ConfigError("BAOSONG_STORAGE=s3 needs BAOSONG_S3_BUCKET (see docs/settings.md)")
    if addressing_style not in {"path", "virtual", "auto"}:
        raise ConfigError(f"BAOSONG_S3_ADDRESSING_STYLE must be path, virtual or auto: {addressing_style!r}")
    from botocore.config import Config  # only when object storage is configured

    client_config = Config(
        s3={"addressing_style": addressing_style},
        # boto3 >= 1.36 adds CRC checksums to every request by default, which Ceph RGW, Aliyun OSS and older
        # MinIO refuse; send them only where the API requires them.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        retries={"max_attempts": 5, "mode": "standard"},
    )
    out = {}
    for alias, (_, folder) in FILE_STORAGES.items():
        out[alias] = {
            "BACKEND": "baosong.core.storage_s3.PrivateS3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": endpoint_url or None,
                "access_key": access_key or None,
                "secret_key": secret_key or None,
                "region_name": region or None,
                "location": "/".join(p for p in (prefix.strip("/"), folder) if p),
                "default_acl": "private",
                "querystring_auth": False,  # never a signed link: every download goes through our views
                "file_overwrite": True,  # names are ours (uuid or content key): write exactly that object
                "client_config": client_config,
            },
        }
    return out
