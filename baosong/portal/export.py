"""网站生成: a static copy of the public portal that any web server (or a file browser) can serve.

The pages are rendered by the portal's own views (so the copy shows exactly what the live portal
shows to the public), crawled from the home page and the feeds, and written as ``.../index.html`` files
with relative links; the stylesheet and images are copied beside them; the Atom feeds keep absolute
links under ``base_url``, the address the copy will be published at. The search box is left out (a
static copy cannot search).
"""

from __future__ import annotations

import posixpath
import re
import shutil
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import Http404
from django.test import RequestFactory
from django.urls import Resolver404, resolve, reverse

from baosong.portal import selectors

_LINK = re.compile(r'(href|src)="([^"#?]*)(#[^"]*)?"')
_FEED_LINK = re.compile(r'(href="|<id>)([^"<]+)')


@dataclass
class ExportResult:
    pages: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)


def file_for(url: str) -> str | None:
    """The file (relative to the export root) a portal or static URL is written to."""
    if url.startswith("/static/"):
        return "static/" + url.removeprefix("/static/")
    if not url.startswith("/portal/") or url.startswith("/portal/search"):
        return None
    rest = url.removeprefix("/portal/")
    if rest == "" or rest.endswith("/"):
        return rest + "index.html"
    return rest  # feed.xml


def _relative(target: str, current: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(current) or ".")


def _copy_static(url: str, out: Path) -> str | None:
    name = url.removeprefix("/static/")
    source: str | None = None
    try:
        if staticfiles_storage.exists(name):
            source = staticfiles_storage.path(name)
    except NotImplementedError:  # a storage without local paths (object storage): use the finders
        source = None
    found = finders.find(name)
    source = source or (found if isinstance(found, str) else None)
    if not source:
        return None
    dest = out / "static" / name
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
    return "static/" + name


def export_portal(out: Path, *, base_url: str = "http://localhost") -> ExportResult:
    base_url = base_url.rstrip("/")
    factory = RequestFactory()
    out.mkdir(parents=True, exist_ok=True)
    result = ExportResult()
    start = [reverse("portal_home"), reverse("portal_feed")]
    start += [reverse("portal_column_feed", args=[c.slug]) for c in selectors.public_columns()]
    queue, seen = deque(start), set(start)
    assets: set[str] = set()
    while queue:
        url = queue.popleft()
        mapped_target = file_for(url)
        if mapped_target is None:
            continue
        target: str = mapped_target
        try:
            match = resolve(url)
        except Resolver404:
            continue
        request = factory.get(url)
        request.portal_export = True  # type: ignore[attr-defined]
        request.portal_base_url = base_url  # type: ignore[attr-defined]
        try:
            response = match.func(request, *match.args, **match.kwargs)
        except Http404:
            continue
        if response.status_code != 200:
            continue
        text = response.content.decode("utf-8")
        if target.endswith(".xml"):
            # Absolute links of the live portal → the same page's address in the copy.
            def feed_link(m: re.Match[str]) -> str:
                value = m.group(2)
                if value.startswith(base_url + "/portal/"):
                    mapped = file_for(value.removeprefix(base_url))
                    if mapped:
                        return m.group(1) + base_url + "/" + mapped.removesuffix("index.html")
                return m.group(0)

            text = _FEED_LINK.sub(feed_link, text)
            result.feeds.append(target)
        else:

            def link(m: re.Match[str], current: str = target) -> str:
                attr, value, anchor = m.group(1), m.group(2), m.group(3) or ""
                mapped = file_for(value)
                if mapped is None:
                    return m.group(0)
                if value.startswith("/static/"):
                    assets.add(value)
                elif value not in seen:
                    seen.add(value)
                    queue.append(value)
                return f'{attr}="{_relative(mapped, current)}{anchor}"'

            text = _LINK.sub(link, text)
            result.pages.append(target)
        dest = out / target
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
    for url in sorted(assets):
        copied = _copy_static(url, out)
        if copied:
            result.assets.append(copied)
    return result
