from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from baosong.help.chapters import chapters
from baosong.orgs.selectors import user_roles


@login_required
def help_index(request: HttpRequest) -> HttpResponse:
    """Choose your role: the chapters for the roles the user holds come first."""
    roles = user_roles(request.user)  # type: ignore[arg-type]
    everything = list(chapters().values())
    mine = [c for c in everything if c.role and c.role in roles]
    others = [c for c in everything if c not in mine]
    return render(request, "help/index.html", {"mine": mine, "others": others, "chapters": everything})


@login_required
def help_chapter(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = chapters().get(slug)
    if chapter is None:
        raise Http404
    roles = user_roles(request.user)  # type: ignore[arg-type]
    everything = list(chapters().values())
    return render(
        request,
        f"help/chapters/{slug}.html",
        {"chapter": chapter, "chapters": everything, "is_mine": chapter.role in roles},
    )
