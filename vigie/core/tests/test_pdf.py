"""PDF documents never reach the network nor the server's files (core/pdf.py)."""

from __future__ import annotations

import http.server
import threading

import pytest

from vigie.core.pdf import VIGIE_ROOT, html_to_pdf, local_only_fetcher, pdf_response

FONT = VIGIE_ROOT / "projects" / "static" / "projects" / "fonts" / "DejaVuSans.ttf"


@pytest.fixture
def web_server():
    """A real HTTP server on loopback that counts the requests it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 — http.server's name
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def test_a_document_that_points_at_the_network_is_made_without_fetching_it(web_server):
    base, hits = web_server
    pdf = html_to_pdf(
        f'<link rel="stylesheet" href="{base}/style.css"><p>Bilan</p>'
        f'<img src="{base}/logo.png" alt="">'
    )
    assert pdf.startswith(b"%PDF")
    assert hits == []
    # The server answers when asked directly: the test would see a fetch.
    import urllib.request

    with urllib.request.urlopen(f"{base}/probe.css") as r:  # noqa: S310 — loopback
        assert r.status == 200
    assert hits == ["/probe.css"]


def test_the_fetcher_reads_vigie_static_files_and_nothing_else(tmp_path):
    fetcher = local_only_fetcher()
    assert FONT.exists()
    assert fetcher.fetch(FONT.as_uri()) is not None
    assert fetcher.fetch("data:text/plain,ok") is not None
    secret = tmp_path / "secret.txt"
    secret.write_text("no")
    for url in (
        secret.as_uri(),
        "file:///etc/passwd",
        (VIGIE_ROOT / "settings.py").as_uri(),  # inside the package but not a static file
        (VIGIE_ROOT / "core" / "static" / ".." / ".." / "settings.py").as_uri(),
        "https://example.org/font.ttf",
        "ftp://example.org/x",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def _with_font(url: str) -> bytes:
    return html_to_pdf(
        f'<style>@font-face {{ font-family: "VigieProbe"; src: url("{url}"); }}'
        f'body {{ font-family: "VigieProbe"; }}</style><p>Élan</p>'
    )


def test_a_static_font_is_embedded_and_one_outside_static_is_not(tmp_path):
    assert any(f.endswith("+VigieProbe") for f in _fonts(_with_font(FONT.as_uri())))
    copy = tmp_path / "DejaVuSans.ttf"
    copy.write_bytes(FONT.read_bytes())
    # The same font outside Vigie's static files is not read: a fallback font is used.
    assert not any(f.endswith("+VigieProbe") for f in _fonts(_with_font(copy.as_uri())))


def _fonts(pdf: bytes) -> list[str]:
    from io import BytesIO

    from pypdf import PdfReader

    page = PdfReader(BytesIO(pdf)).pages[0]
    return [str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()]


def test_pdf_response_is_a_named_download():
    r = pdf_response(b"%PDF-1.7", "bilan-20261202.pdf")
    assert r["Content-Type"] == "application/pdf"
    assert r["Content-Disposition"] == 'attachment; filename="bilan-20261202.pdf"'
