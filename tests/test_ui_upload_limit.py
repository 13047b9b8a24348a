"""An upload over the size limit is refused by the service, in the words `ingest` uses: the app keeps no limit of
its own, and nothing of the file is read."""

from __future__ import annotations

from pathlib import Path

from assistant import Assistant, Settings
from ui.app import App


def test_an_upload_over_the_limit_is_refused_in_the_words_ingest_uses(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    a = Assistant(Settings.from_env(env={"CUSTOMS_ASSISTANT_MAX_FILE_BYTES": "400"}, home=tmp_path / "home"),
                  embedder=embedder)
    big = tmp_path / "upload-123" / "vestaria_notice.txt"
    big.parent.mkdir()
    big.write_text("Vestaria Customs notice. " * 40, encoding="utf-8")
    report, _ = App(a).upload([str(big)], True)
    assert "vestaria_notice.txt" in report and "too large (1,000 bytes; the limit is 400)" in report
    assert "upload-123" not in report  # the server's temporary folder is not shown
    cli = a.ingest([big], progress=False).rejected[0].reason
    assert cli == "too large (1,000 bytes; the limit is 400)"
    assert a.bulletins() == []
    a.close()
