"""Core's own audited acts in the action registry (see ``core.actions``)."""

from __future__ import annotations

from baosong.core.actions import audit_group, declare, detail_labels, object_kind

PERMISSION_DENIED = declare("permission.denied", "越权访问")
# manage.py backup / restore: the restore is recorded in the restored database, once its check has passed.
BACKUP_CREATE = declare("backup.create", "生成备份")
BACKUP_RESTORE = declare("backup.restore", "恢复备份")

audit_group("访问控制", "permission")
audit_group("备份与恢复", "backup")
object_kind("path", "访问路径")  # the object id is the path itself
object_kind("backup", "备份")  # the object id is the backup directory's name
detail_labels(types=("backup.create", "backup.restore"), path="备份目录", count="文件数")
