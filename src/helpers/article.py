"""The Article data model: what parsing produces and what ``framekit parse --json`` prints."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Removed:
    """A line dropped from the raw text, with the reason it was dropped.

    ``reason`` is one of the labels in :data:`helpers.parsing.REASONS` (caption, video-promo,
    newsletter, comments, nav, related-links, credit, duplicate, ...).
    """

    text: str
    reason: str


@dataclass
class Paragraph:
    """A body paragraph in reading order. ``kind`` is ``"body"`` or ``"subhead"``."""

    text: str
    kind: str = "body"


@dataclass
class Article:
    """One parsed article.

    Attributes
    ----------
    source
        File name inside the collection folder (or the path given on the command line).
    status
        ``"ok"`` or ``"skipped"``; a skipped article carries ``reason`` and nothing else.
    published
        ISO date ``YYYY-MM-DD`` or ``None``.
    paragraphs
        Body paragraphs in order, in-body subheads kept and marked ``kind="subhead"``.
    removed
        Every line that was dropped, with its reason.
    warnings
        Human-readable notes (e.g. outlet guessed from the file name).
    """

    source: str
    status: str = "ok"
    reason: str | None = None
    outlet: str | None = None
    headline: str | None = None
    standfirst: str | None = None
    byline: str | None = None
    published: str | None = None
    language: str | None = None
    url: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    content_hash: str | None = None

    def to_json(self) -> dict:
        """Return the object of the ``framekit parse --json`` contract (DESIGN.md)."""
        return {
            "source": self.source,
            "status": self.status,
            "reason": self.reason,
            "outlet": self.outlet,
            "headline": self.headline,
            "standfirst": self.standfirst,
            "byline": self.byline,
            "published": self.published,
            "paragraphs": [p.text for p in self.paragraphs],
            "removed": [{"text": r.text, "reason": r.reason} for r in self.removed],
            "language": self.language,
            "url": self.url,
        }

    def to_cache(self) -> dict:
        """Return a lossless dict for the parse cache."""
        return asdict(self)

    @classmethod
    def from_cache(cls, data: dict) -> Article:
        """Rebuild an Article from :meth:`to_cache` output."""
        data = dict(data)
        data["paragraphs"] = [Paragraph(**p) for p in data.get("paragraphs", [])]
        data["removed"] = [Removed(**r) for r in data.get("removed", [])]
        return cls(**data)
