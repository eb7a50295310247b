from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from baosong.help.chapters import help_url
from baosong.orgs.selectors import user_roles


def help_link(request: HttpRequest) -> dict[str, Any]:
    """``help_url``: the header's 帮助 link, opening the chapter that explains the current page.

    A callable, so pages that never render the header (fragments, the login page) compute nothing; the
    roles come from the per-request cache the navigation already filled, so it costs no query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def url() -> str:
        match = getattr(request, "resolver_match", None)
        return help_url(match.url_name if match else None, user_roles(user))

    link: Callable[[], str] = url
    return {"help_url": link}
