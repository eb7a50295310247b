from __future__ import annotations

from baosong.core.context import note_refusal


class ServiceError(Exception):
    """A refused business action: a Chinese message for people, a code for machines, an HTTP status."""

    status = 400

    def __init__(
        self,
        message: str,
        code: str = "invalid",
        *,
        status: int | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.extra = extra or {}
        if status is not None:
            self.status = status


class NotFound(ServiceError):
    status = 404

    def __init__(self, message: str = "对象不存在或无权查看。", code: str = "not_found") -> None:
        super().__init__(message, code)


class Forbidden(ServiceError):
    """A permission refusal. It is noted on the current request, which audits it as ``permission.denied``
    after the response (the service's transaction has rolled back by then, the audit row stays)."""

    status = 403

    def __init__(self, message: str = "没有执行此操作的权限。", code: str = "forbidden") -> None:
        super().__init__(message, code)
        note_refusal(message)
