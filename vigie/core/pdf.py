"""PDF documents (WeasyPrint) made from a template, without ever reaching the network.

Every module that hands a funder or a partner a PDF (food aid, mediation, projects) renders it
here:

    pdf = render_pdf("foodaid/report_pdf.html", context)
    return pdf_response(pdf, "aide-alimentaire-bilan-20261202.pdf")

WeasyPrint would otherwise fetch whatever a template or a user's text points at — an image
at `https://…`, a `file:///etc/…` — from the server. Vigie loads nothing from the internet at
run time, and a document must not read the server's files: the fetcher below answers only
`data:` URIs and files inside Vigie's own `static/` folders (the fonts a report embeds); any
other resource is left out of the document, which is still made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.http import HttpResponse
from django.template.loader import render_to_string

VIGIE_ROOT = Path(__file__).resolve().parent.parent


def _is_static_file(url: str) -> bool:
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return False
    path = Path(unquote(parts.path)).resolve()
    return path.is_relative_to(VIGIE_ROOT) and "static" in path.relative_to(VIGIE_ROOT).parts


def local_only_fetcher():
    """A WeasyPrint URL fetcher that refuses the network and any file outside `static/`."""
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None):  # noqa: ANN201 — WeasyPrint's type
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data" or (scheme == "file" and _is_static_file(url)):
                return super().fetch(url, headers)
            # WeasyPrint leaves the resource out and goes on (it logs the URL, a template's
            # or a static path, never a person's data).
            raise ValueError(f"resource not fetched (network or outside static files): {url}")

    return LocalOnlyFetcher()


def html_to_pdf(html: str) -> bytes:
    """An HTML document as PDF bytes; relative URLs resolve inside the `vigie` package."""
    from weasyprint import HTML

    return HTML(
        string=html, base_url=VIGIE_ROOT.as_uri() + "/", url_fetcher=local_only_fetcher()
    ).write_pdf()


def render_pdf(template_name: str, context: dict[str, Any], *, request: Any = None) -> bytes:
    """The template rendered as a PDF (A4 and the rest come from the template's CSS)."""
    return html_to_pdf(render_to_string(template_name, context, request=request))


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    """A download of `pdf` named `filename` (ASCII: the caller builds it from a date/slug)."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
