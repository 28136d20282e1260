"""The one PDF path: LibreOffice converts the report's .docx, so the PDF is the .docx page
for page (docs/reports.md says why this path and not HTML to PDF). Each conversion runs in a
profile directory of its own, so two conversions at once do not collide."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from kttt.lib.errors import Refusal

TIMEOUT_SECONDS = 120


class PdfUnavailable(Refusal):
    """LibreOffice is not installed: the .docx and .xlsx still work."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def from_docx(docx: bytes) -> bytes:
    program = soffice()
    if program is None:
        raise PdfUnavailable(
            _(
                "Máy chủ chưa cài LibreOffice nên chưa xuất được PDF (cài gói "
                "libreoffice-writer-nogui); tải bản Word (.docx) hoặc Excel (.xlsx)."
            )
        )
    with tempfile.TemporaryDirectory(prefix="kttt-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / "report.docx"
        source.write_bytes(docx)
        command = [
            program,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            subprocess.run(  # noqa: S603 - a fixed program and our own temporary files
                command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailable(_("Chuyển sang PDF quá thời gian cho phép.")) from exc
        target = folder / "report.pdf"
        if not target.exists():
            raise PdfUnavailable(_("LibreOffice không chuyển được báo cáo sang PDF."))
        return target.read_bytes()
