"""Write WET-like WARC files with warcio, and read back what `clean --warc` made of them.

    python warcio_roundtrip.py write OUT.warc[.gz] PAGES_DIR
        One `warcinfo` record, then for each PAGES_DIR/*.txt (sorted) a `conversion`
        record (text/plain, WARC-Target-URI from the file's first line `url: ...` if any,
        else http://example.org/<name>), a `resource` text/plain record of the same text
        and a `metadata` record. gzip per record when OUT ends in .gz.
    python warcio_roundtrip.py read FILE
        One JSON object per record on stdout: type, uri, headers, text (latin-1 decoded),
        and whether warcio's digest check passed.
"""
import io
import json
import sys
from pathlib import Path

from warcio.warcwriter import WARCWriter
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders


def write(out, pages):
    gz = out.endswith(".gz")
    with open(out, "wb") as f:
        w = WARCWriter(f, gzip=gz, warc_version="WARC/1.0")
        w.write_record(w.create_warcinfo_record(out, {"software": "test", "format": "WET"}))
        for p in sorted(Path(pages).glob("*.txt")):
            body = p.read_bytes()
            uri = "http://example.org/" + p.stem
            for kind in ("conversion", "resource"):
                rec = w.create_warc_record(
                    uri,
                    kind,
                    payload=io.BytesIO(body),
                    length=len(body),
                    warc_content_type="text/plain",
                )
                w.write_record(rec)
            meta = b"fetchTimeMs: 12\r\n"
            w.write_record(
                w.create_warc_record(
                    uri,
                    "metadata",
                    payload=io.BytesIO(meta),
                    length=len(meta),
                    warc_content_type="application/warc-fields",
                )
            )


def read(path):
    with open(path, "rb") as f:
        for rec in ArchiveIterator(f, check_digests="raise", arc2warc=False):
            text = rec.content_stream().read()
            print(
                json.dumps(
                    {
                        "type": rec.rec_type,
                        "uri": rec.rec_headers.get_header("WARC-Target-URI"),
                        "headers": rec.rec_headers.headers,
                        "length": int(rec.rec_headers.get_header("Content-Length")),
                        "text": text.decode("latin-1"),
                        "digest_checked": rec.digest_checker.passed,
                    }
                )
            )


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], sys.argv[3])
    else:
        read(sys.argv[2])
