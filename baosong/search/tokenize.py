"""Chinese tokens for search and near-duplicate detection: jieba in search mode."""

from __future__ import annotations

import logging

import jieba

jieba.setLogLevel(logging.WARNING)
_tokenizer = jieba.Tokenizer()


def tokens(text: str) -> list[str]:
    """jieba search-mode tokens of ``text``, without punctuation and whitespace."""
    return [t for t in _tokenizer.cut_for_search(text or "") if t.strip() and any(c.isalnum() for c in t)]
