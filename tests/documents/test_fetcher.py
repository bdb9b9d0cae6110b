"""WeasyPrint fetches the app's own static files and nothing else."""

import http.server
import threading

import pytest

from documents.fetcher import RefusedURL, static_path, static_url
from documents.pdf import pdf_render


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/static/css/app.css",
        "https://example.com/static/css/app.css",
        "file:///etc/passwd",
        "data:text/css,body{color:red}",
        "ftp://documents.invalid/static/css/app.css",
        "https://documents.invalid/media/uploads/secret.pdf",
        "https://documents.invalid/static/../config/settings.py",
        "https://documents.invalid/static/%2e%2e/config/settings.py",
        "https://documents.invalid/static/css/app.css?x=1",
    ],
)
def test_anything_outside_the_static_files_is_refused(url):
    with pytest.raises(RefusedURL):
        static_path(url)


def test_static_files_are_named_on_the_reserved_host():
    assert static_url("css/documents-pdf.css") == "https://documents.invalid/static/css/documents-pdf.css"
    assert static_path(static_url("css/documents-pdf.css")) == "css/documents-pdf.css"


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_pdf_never_reaches_the_network_or_the_disk(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    html = f"""<html><head>
      <link rel="stylesheet" href="http://127.0.0.1:{server.server_port}/style.css">
      <link rel="stylesheet" href="file://{secret}">
      <link rel="stylesheet" href="{static_url("css/documents-pdf.css")}">
    </head><body><p>Hello</p><img src="http://127.0.0.1:{server.server_port}/pixel.png"></body></html>"""
    try:
        payload, pages = pdf_render(html)
    finally:
        server.shutdown()
    assert payload.startswith(b"%PDF") and pages == 1
    assert _Recorder.hits == []
